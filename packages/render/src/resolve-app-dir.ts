import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { FlotillaError } from '@flotilla/core';
import { renderFailed } from './render-failed.js';

/** An App's directory inside a checkout: real paths, symlinks resolved. */
export interface AppDir {
  /** The checkout root (real path). */
  root: string;
  /** The App's directory (real path, inside root). */
  dir: string;
  /** The App's path as given, normalized: repository-relative, no `.` segments, "" for the root. */
  appPath: string;
}

/** Whether `path` is `root` or below it (both absolute and resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** A repository-relative path of an absolute path inside root, with `/` separators. */
export function repositoryPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/**
 * Resolves an App's path in a checkout, refusing one that leaves it (`..`, absolute, or through a symlink that points
 * outside), one through any symlink (an App names its real directory; links inside it are for kustomize bases) or
 * one that does not exist; a path that is a file is refused too (an App's path is a directory).
 */
export async function resolveAppDir(checkoutDir: string, appPath: string): Promise<AppDir> {
  const segments = appPath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..') || appPath.startsWith('/')) {
    throw new FlotillaError('INVALID_ARGUMENT', `App path "${appPath}" must stay inside the repository (no "..", not absolute)`, { data: { appPath } });
  }
  const normalized = segments.join('/');
  const root = await realpath(checkoutDir).catch((cause: unknown) => {
    throw new FlotillaError('INTERNAL', `checkout directory "${checkoutDir}" cannot be read: ${(cause as Error).message}`, { cause });
  });
  let dir: string;
  try {
    dir = await realpath(join(root, ...segments));
  } catch {
    throw renderFailed({ renderer: 'plain', appPath: normalized, file: normalized || '.', message: `path "${normalized || '.'}" does not exist in this revision: check the App's path` });
  }
  if (!isInside(root, dir)) {
    throw renderFailed({ renderer: 'plain', appPath: normalized, file: normalized, message: `path "${normalized}" leads through a symlink out of the repository (to "${dir}"); point the App at a directory of the repository` });
  }
  if (dir !== join(root, ...segments)) {
    throw renderFailed({ renderer: 'plain', appPath: normalized, file: normalized, message: `path "${normalized}" goes through a symlink (to "${repositoryPath(root, dir)}"): symlinks are never followed to an App's directory; point the App at the real directory` });
  }
  if (!(await stat(dir)).isDirectory()) {
    throw renderFailed({ renderer: 'plain', appPath: normalized, file: normalized, message: `path "${normalized}" is a file; an App's path is a directory` });
  }
  return { root, dir, appPath: normalized };
}
