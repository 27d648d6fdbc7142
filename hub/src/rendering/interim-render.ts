import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type Artifact, FlotillaError, type ManifestFile, renderManifests } from '@flotilla/core';

// Stand-in for @flotilla/render (the render engineer's package) with the same interface, plain YAML only, until it
// lands; the hub imports these names from here and nowhere else.

/** Where the tools are and how much a run may take. */
export interface RenderToolsOptions {
  kustomizePath: string | null;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** An App's path built into objects before variable substitution. */
export interface BuiltApp {
  renderer: 'plain' | 'kustomize';
  files: ManifestFile[];
  appPath: string;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Finds kustomize: the stand-in knows none. */
export function findRenderTools(_options: { kustomizePath?: string; env: NodeJS.ProcessEnv }): Promise<{ kustomize: { path: string; version: string } | null }> {
  return Promise.resolve({ kustomize: null });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Which renderer a path needs. */
export async function detectRenderer(checkoutDir: string, appPath: string): Promise<'plain' | 'kustomize'> {
  for (const name of KUSTOMIZATION_FILES) if (await exists(join(checkoutDir, appPath, name))) return 'kustomize';
  return 'plain';
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Builds an App's path of a checkout (plain YAML only). */
export async function buildApp(request: { checkoutDir: string; appPath: string; allowRemoteBases: boolean; signal?: AbortSignal }, tools: RenderToolsOptions): Promise<BuiltApp> {
  const renderer = await detectRenderer(request.checkoutDir, request.appPath);
  if (renderer === 'kustomize' && tools.kustomizePath === null) {
    throw new FlotillaError('RENDER_FAILED', `path "${request.appPath}" needs kustomize, which this hub does not have (set FLOTILLA_KUSTOMIZE_PATH)`, {
      data: { renderer, file: request.appPath, message: 'kustomize not found' },
    });
  }
  const root = join(request.checkoutDir, request.appPath);
  const paths = (await exists(root)) ? await listFiles(root) : [];
  const files: ManifestFile[] = [];
  for (const path of paths) files.push({ path: relative(request.checkoutDir, path).split('\\').join('/'), content: await readFile(path, 'utf8') });
  return { renderer, files, appPath: request.appPath };
}

/** Substitutes the variables and returns one cluster's artifact. */
export function substituteArtifact(built: BuiltApp, variables: Readonly<Record<string, string>>): Artifact {
  const { objects } = renderManifests(built.files, { appPath: built.appPath, variables, defaultNamespace: 'default', isNamespaced: () => undefined });
  return { objects: objects.map((item) => ({ object: item.object, source: { file: item.file, line: item.line } })) };
}
