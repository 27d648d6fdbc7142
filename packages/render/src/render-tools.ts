import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { FlotillaError } from '@flotilla/core';

/** Where the tools are and how much one run of a tool may take. */
export interface RenderToolsOptions {
  /** The kustomize binary; null when the hub has none (a kustomize App then fails saying so). */
  kustomizePath: string | null;
  /** A tool run (or a plain read) is stopped after this long. */
  timeoutMs: number;
  /** Most bytes a tool may print (or plain manifests may total) before the render is refused. */
  maxOutputBytes: number;
  /**
   * Whether kustomize objects name the file they came from (default true). It costs kustomize a second layer of
   * kustomization: about twice its CPU time on a 2,000-object overlay, nothing noticeable on small ones. When false,
   * every object names the App's kustomization file.
   */
  kustomizeOrigins?: boolean;
}

/** The renderers found at start-up, for the hub's log line and RenderToolsOptions. */
export interface RenderTools {
  kustomize: { path: string; version: string } | null;
}

const run = promisify(execFile);

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Finds kustomize (the setting, then PATH) and asks it its version: what the hub logs at start-up. A setting that
 * names no runnable kustomize is an error (the operator asked for it); none on PATH is `kustomize: null`.
 */
export async function findRenderTools(options: { kustomizePath?: string; env: NodeJS.ProcessEnv }): Promise<RenderTools> {
  let path: string | undefined;
  if (options.kustomizePath !== undefined && options.kustomizePath !== '') {
    if (!isAbsolute(options.kustomizePath) || !(await isExecutable(options.kustomizePath))) {
      throw new FlotillaError('INVALID_ARGUMENT', `kustomize path "${options.kustomizePath}" is not an absolute path to an executable file (FLOTILLA_KUSTOMIZE_PATH)`, {
        data: { kustomizePath: options.kustomizePath },
      });
    }
    path = options.kustomizePath;
  } else {
    for (const dir of (options.env['PATH'] ?? '').split(delimiter)) {
      if (dir === '' || !isAbsolute(dir)) continue;
      if (await isExecutable(join(dir, 'kustomize'))) {
        path = join(dir, 'kustomize');
        break;
      }
    }
  }
  if (path === undefined) return { kustomize: null };
  try {
    const { stdout } = await run(path, ['version'], { timeout: 10_000, env: { PATH: options.env['PATH'] ?? '' } });
    return { kustomize: { path, version: stdout.trim() } };
  } catch (cause) {
    throw new FlotillaError('INVALID_ARGUMENT', `kustomize at "${path}" does not run ("kustomize version" failed): ${(cause as Error).message}`, {
      data: { kustomizePath: path },
      cause,
    });
  }
}
