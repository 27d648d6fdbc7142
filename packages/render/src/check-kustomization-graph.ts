import { lstat, readFile, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isPlainObject } from '@flotilla/core';
import { findKustomizationFile } from './detect-renderer.js';
import { renderFailed } from './render-failed.js';
import { isInside, repositoryPath, type AppDir } from './resolve-app-dir.js';

/** Fields of a kustomization whose entries may name another kustomization directory (or a remote one). */
const DIRECTORY_FIELDS = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators'] as const;

// What kustomize would fetch rather than read: URLs, scp-like Git addresses, hosts it knows, `repo//dir?ref=x`.
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|git::|(?:github\.com|gitlab\.com|bitbucket\.org)[/:])|\?(?:ref|version|submodules|timeout)=/i;

/** Whether a kustomization entry names a remote base rather than a path. */
export function isRemoteReference(entry: string): boolean {
  return REMOTE.test(entry);
}

// Keys whose values kustomize loads as files, which its loader also fetches over HTTP(S): a remote file is as remote
// as a remote base. `files` and `envs` entries may be written `key=path`.
const FILE_KEYS = new Set(['path', 'crds', 'configurations', 'patchesStrategicMerge', 'files', 'envs', 'env', 'valuesFile', 'chartHome', 'repo']);

/** Every value under a file key of a kustomization, wherever it sits (`patches[].path`, `configMapGenerator[].files`). */
function fileReferences(value: unknown, key = ''): Array<{ key: string; value: string }> {
  if (typeof value === 'string') return FILE_KEYS.has(key) ? [{ key, value: value.replace(/^[^=/]+=(?=\S)/, '') }] : [];
  if (Array.isArray(value)) return value.flatMap((item) => fileReferences(item, key));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([child, item]) => fileReferences(item, child));
  return [];
}

/**
 * Walks the kustomizations an App's path builds (its bases, components, generators...) before kustomize runs, and
 * refuses what kustomize itself would allow: a base outside the checkout (`../..` past the root, an absolute path, a
 * symlink out of it) and a remote base unless the App allows them. Files each kustomization reads (patches, generator
 * sources) stay within its own directory: kustomize's load restrictor (LoadRestrictionsRootOnly, kept on) sees to that.
 */
export async function checkKustomizationGraph(app: AppDir, allowRemoteBases: boolean): Promise<void> {
  const visited = new Set<string>();
  const pending = [app.dir];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    if (visited.has(dir)) continue;
    visited.add(dir);
    const name = await findKustomizationFile(dir);
    if (name === undefined) continue; // kustomize says what is wrong with a directory without one
    const path = join(dir, name);
    const file = repositoryPath(app.root, path);
    const fail = (message: string): Error => renderFailed({ renderer: 'kustomize', appPath: app.appPath, file, message });
    const real = await realpath(path);
    if (!isInside(app.root, real)) throw fail(`${name} is a symlink out of the repository (to "${real}")`);
    let kustomization: unknown;
    try {
      kustomization = parse(await readFile(real, 'utf8'), { logLevel: 'error' });
    } catch {
      continue; // kustomize reports the YAML error in its own words
    }
    if (!isPlainObject(kustomization)) continue;
    if (!allowRemoteBases) {
      const remote = fileReferences(kustomization).find((reference) => isRemoteReference(reference.value));
      if (remote !== undefined) {
        throw fail(`${remote.key} "${remote.value}" is a remote file, and this App does not allow remote bases (allowRemoteBases); vendor it into the repository or allow remote bases for the App`);
      }
    }
    for (const field of DIRECTORY_FIELDS) {
      const entries = kustomization[field];
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        if (typeof entry !== 'string') continue; // inline generator or transformer configuration
        if (entry.startsWith('file://')) throw fail(`${field} entry "${entry}" reads a local path outside the checkout; refer to directories of the repository by relative path`);
        if (isAbsolute(entry)) throw fail(`${field} entry "${entry}" is an absolute path: only paths inside the repository can be built; write it relative to ${file}`);
        const target = resolve(dirname(path), entry);
        const stats = await lstat(target).catch(() => undefined);
        if (stats === undefined) {
          if (isRemoteReference(entry)) {
            if (allowRemoteBases) continue;
            throw fail(`${field} entry "${entry}" is a remote base, and this App does not allow remote bases (allowRemoteBases); vendor it into the repository or allow remote bases for the App`);
          }
          if (!isInside(app.root, target)) throw fail(`${field} entry "${entry}" leaves the repository (resolves outside the checkout)`);
          throw fail(`${field} entry "${entry}" is neither a file nor a directory of the repository${allowRemoteBases ? '' : ', and remote bases are not allowed for this App'}`);
        }
        const realTarget = await realpath(target).catch(() => target);
        if (!isInside(app.root, realTarget)) {
          throw fail(`${field} entry "${entry}" leaves the repository${realTarget === target ? '' : ' through a symlink'}: kustomize may only read the Source's own files`);
        }
        if ((await lstat(realTarget)).isDirectory()) pending.push(realTarget);
      }
    }
  }
}
