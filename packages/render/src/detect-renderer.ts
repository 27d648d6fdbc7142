import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { type RendererName } from './built-app.js';
import { renderFailed } from './render-failed.js';
import { resolveAppDir, type AppDir } from './resolve-app-dir.js';

/** The names kustomize looks for in a directory, in its own order. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

async function isFile(path: string): Promise<boolean> {
  return lstat(path).then(
    (stats) => stats.isFile() || stats.isSymbolicLink(),
    () => false,
  );
}

/** The kustomization file of a directory (its name), or undefined when it has none. */
export async function findKustomizationFile(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) if (await isFile(join(dir, name))) return name;
  return undefined;
}

/** Which renderer an App's resolved directory needs; refuses a Helm chart not declared as one. */
export async function detectRendererIn(app: AppDir): Promise<RendererName> {
  if ((await findKustomizationFile(app.dir)) !== undefined) return 'kustomize';
  if (await isFile(join(app.dir, 'Chart.yaml'))) {
    const file = app.appPath === '' ? 'Chart.yaml' : `${app.appPath}/Chart.yaml`;
    throw renderFailed({
      renderer: 'plain',
      appPath: app.appPath,
      file,
      message: `"${app.appPath || '.'}" is a Helm chart (it has Chart.yaml): charts are not supported yet, and its templates are not plain manifests; declare it as a chart once charts are supported, or point the App at rendered manifests`,
    });
  }
  return 'plain';
}

/**
 * Which renderer a path needs: 'kustomize' (kustomization.yaml/.yml/Kustomization), 'plain', or refuses a Helm chart
 * (Chart.yaml) not declared as one with a clear RENDER_FAILED, as it does a path that leaves the checkout.
 */
export async function detectRenderer(checkoutDir: string, appPath: string): Promise<RendererName> {
  return detectRendererIn(await resolveAppDir(checkoutDir, appPath));
}
