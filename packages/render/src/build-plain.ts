import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareBytewise, RENDER_DEFAULTS, type RenderErrorDetail } from '@flotilla/core';
import { type BuiltApp, type BuiltObject } from './built-app.js';
import { readBuiltObjects } from './read-built-objects.js';
import { manifestsFailed, renderFailed } from './render-failed.js';
import { repositoryPath, type AppDir } from './resolve-app-dir.js';
import { type RenderToolsOptions } from './render-tools.js';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Every regular file under a directory (symlinks are skipped, never followed), as repository paths. */
async function listFiles(root: string, dir: string, signal: AbortSignal | undefined): Promise<{ files: string[]; any: boolean }> {
  const files: string[] = [];
  let any = false;
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    signal?.throwIfAborted();
    for (const entry of await readdir(next, { withFileTypes: true })) {
      const path = join(next, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isFile()) any = true;
      // Hidden files and folders below the App's path are skipped (.git, editor files).
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && MANIFEST_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) files.push(repositoryPath(root, path));
    }
  }
  files.sort(compareBytewise);
  return { files, any };
}

/**
 * Builds a plain App: the .yaml, .yml and .json files under its path, in byte-wise path order, each document parsed
 * now unless it holds `${...}` to substitute per cluster. Every problem of every file is reported at once.
 */
export async function buildPlain(app: AppDir, tools: RenderToolsOptions, signal: AbortSignal | undefined): Promise<BuiltApp> {
  const { files, any } = await listFiles(app.root, app.dir, signal);
  if (!any) {
    throw renderFailed({ renderer: 'plain', appPath: app.appPath, file: app.appPath || '.', message: `path "${app.appPath || '.'}" has no files in this revision` });
  }
  const objects: BuiltObject[] = [];
  const errors: RenderErrorDetail[] = [];
  let total = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    const path = join(app.root, file);
    const size = (await lstat(path)).size;
    if (size > RENDER_DEFAULTS.maxFileBytes) {
      errors.push({ code: 'MANIFEST_TOO_LARGE', file, line: 0, message: `file is ${size} bytes, over the limit of ${RENDER_DEFAULTS.maxFileBytes} (maxFileBytes); split it` });
      continue;
    }
    total += size;
    if (total > tools.maxOutputBytes) {
      throw renderFailed({ renderer: 'plain', appPath: app.appPath, file, message: `manifests under "${app.appPath || '.'}" total more than ${tools.maxOutputBytes} bytes (reached at this file): the render output limit` });
    }
    const content = await readFile(path, 'utf8');
    const read = readBuiltObjects(content, { file, hasLines: true });
    objects.push(...read.objects);
    errors.push(...read.errors);
  }
  if (errors.length > 0) throw manifestsFailed('plain', app.appPath, errors);
  return { renderer: 'plain', appPath: app.appPath, objects };
}
