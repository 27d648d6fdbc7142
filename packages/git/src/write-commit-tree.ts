import { chmod, mkdir, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import git from 'isomorphic-git';
import { type CacheFileSystem } from './cache-file-system.js';
import { commitTreeOid } from './commit-tree-oid.js';
import { GitError, type GitErrorData } from './git-error.js';
import { redactUrl } from './redact-url.js';

/** What a checkout wrote. */
export interface CheckoutResult {
  /** Regular files written. */
  files: number;
  /** Symlinks written (each points inside the repository). */
  symlinks: number;
  /** Bytes of the files written. */
  bytes: number;
}

/** Where to read the commit from and where to write it. */
export interface WriteCommitTreeOptions {
  fs: CacheFileSystem;
  gitdir: string;
  /** The repository URL, for messages. */
  url: string;
  commit: string;
  /** The directory to write into: absent or empty. */
  dir: string;
  maxFiles: number;
  maxTotalBytes: number;
}

const SYMLINK_MODE = '120000';
const EXECUTABLE_MODE = '100755';

/** Whether a tree entry's name could write outside its directory or into Git's own (git itself refuses them too). */
function isUnsafeName(name: string): boolean {
  return name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0') || name.toLowerCase() === '.git';
}

function isOutside(path: string): boolean {
  return path === '..' || path.startsWith('../') || path.startsWith('/');
}

/**
 * Writes a commit's whole tree into a directory, as `git checkout` would for a tool that reads files (kustomize):
 * blobs as their bytes, executables with mode 755, symlinks as symlinks when they stay inside the repository (checked
 * as written and again once every link exists, so chains cannot leave it), submodules skipped. A symlink pointing
 * outside refuses the whole checkout with PATH_OUTSIDE_REPOSITORY; past the limits it is TOO_LARGE.
 */
export async function writeCommitTree(options: WriteCommitTreeOptions): Promise<CheckoutResult> {
  const { fs, gitdir, url, commit, dir, maxFiles, maxTotalBytes } = options;
  const data: GitErrorData = { url: redactUrl(url), commit };
  const cache = {};
  const treeOid = await commitTreeOid({ fs, gitdir, url, commit, cache, data });
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) {
    throw new GitError('INVALID_ARGUMENT', `checkout directory "${dir}" is not empty: a commit is written into a fresh directory`, { data });
  }

  const result: CheckoutResult = { files: 0, symlinks: 0, bytes: 0 };
  const links: Array<{ path: string; target: string }> = [];
  const pending: Array<{ prefix: string; oid: string }> = [{ prefix: '', oid: treeOid }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { tree } = await git.readTree({ fs, gitdir, oid: next.oid, cache });
    for (const entry of tree) {
      const path = next.prefix === '' ? entry.path : `${next.prefix}/${entry.path}`;
      if (isUnsafeName(entry.path)) {
        throw new GitError('PATH_OUTSIDE_REPOSITORY', `commit ${commit} of ${redactUrl(url)} has an entry named "${entry.path}" in "${next.prefix || '.'}", which no checkout may write`, { data: { ...data, path } });
      }
      if (entry.type === 'commit') continue; // a submodule: its commit is in another repository
      if (entry.type === 'tree') {
        await mkdir(join(dir, ...path.split('/')));
        pending.push({ prefix: path, oid: entry.oid });
        continue;
      }
      if (entry.type !== 'blob') continue;
      if (++result.files + result.symlinks > maxFiles) {
        throw new GitError('TOO_LARGE', `commit ${commit} of ${redactUrl(url)} holds more than ${maxFiles} files: raise maxFiles to check it out`, { data: { ...data, limit: maxFiles } });
      }
      const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
      if (entry.mode === SYMLINK_MODE) {
        result.files--;
        result.symlinks++;
        const target = Buffer.from(blob).toString('utf8');
        if (target.startsWith('/') || isOutside(posix.normalize(posix.join(posix.dirname(path), target)))) {
          throw new GitError('PATH_OUTSIDE_REPOSITORY', `symlink "${path}" in commit ${commit} of ${redactUrl(url)} points outside the repository (to "${target}"): only links inside it are checked out`, { data: { ...data, path } });
        }
        links.push({ path, target });
        continue;
      }
      result.bytes += blob.byteLength;
      if (result.bytes > maxTotalBytes) {
        throw new GitError('TOO_LARGE', `files of commit ${commit} of ${redactUrl(url)} exceed ${maxTotalBytes} bytes (reached at "${path}"): raise maxTotalBytes to check it out`, { data: { ...data, path, limit: maxTotalBytes, actual: result.bytes } });
      }
      const file = join(dir, ...path.split('/'));
      await writeFile(file, blob, { flag: 'wx' });
      if (entry.mode === EXECUTABLE_MODE) await chmod(file, 0o755);
    }
  }
  // Links last, so no file is ever written through one.
  for (const link of links) await symlink(link.target, join(dir, ...link.path.split('/')));
  // A link through another link (`a -> b/..` with `b -> .`) can leave the tree though each alone stays inside it.
  const root = await realpath(dir);
  for (const link of links) {
    const real = await realpath(join(dir, ...link.path.split('/'))).catch(() => undefined);
    const inside = real === undefined || real === root || !relative(root, real).split(sep).includes('..');
    if (!inside) {
      throw new GitError('PATH_OUTSIDE_REPOSITORY', `symlink "${link.path}" in commit ${commit} of ${redactUrl(url)} leads outside the repository through other links (to "${real ?? link.target}")`, { data: { ...data, path: link.path } });
    }
  }
  return result;
}
