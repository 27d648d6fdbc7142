import git, { type TreeEntry } from 'isomorphic-git';
import { type CacheFileSystem } from './cache-file-system.js';
import { commitTreeOid } from './commit-tree-oid.js';
import { GitError, type GitErrorData } from './git-error.js';
import { redactUrl } from './redact-url.js';

/** A file of a commit: its path from the repository root and its content, decoded as UTF-8. */
export interface TreeFile {
  path: string;
  content: string;
}

/** Where to read from and how much at most. */
export interface ReadTreeFilesOptions {
  fs: CacheFileSystem;
  gitdir: string;
  /** The repository URL, for messages. */
  url: string;
  commit: string;
  /** Path segments from splitTreePath. */
  segments: readonly string[];
  maxFiles: number;
  maxTotalBytes: number;
}

const SYMLINK_MODE = '120000';

/**
 * Reads every blob under a path of a commit straight from the object store (no checkout), sorted by path byte
 * by byte. Symlinks inside the path are skipped, never followed; a path that runs through a symlink is
 * PATH_OUTSIDE_REPOSITORY; submodules are skipped.
 */
export async function readTreeFiles(options: ReadTreeFilesOptions): Promise<TreeFile[]> {
  const { fs, gitdir, url, commit, segments, maxFiles, maxTotalBytes } = options;
  const path = segments.join('/');
  const data: GitErrorData = { url: redactUrl(url), commit, path };
  // One cache per call: isomorphic-git keeps parsed pack indexes and whole packs in it.
  const cache = {};

  const treeOid = await commitTreeOid({ fs, gitdir, url, commit, cache, data });

  let target: { oid: string; type: TreeEntry['type'] } = { oid: treeOid, type: 'tree' };
  for (const [index, segment] of segments.entries()) {
    const walked = segments.slice(0, index + 1).join('/');
    if (target.type !== 'tree') {
      throw new GitError('NOT_FOUND', `path "${path}" does not exist in commit ${commit} of ${redactUrl(url)}: "${segments.slice(0, index).join('/')}" is a file`, { data });
    }
    const { tree } = await git.readTree({ fs, gitdir, oid: target.oid, cache });
    const entry = tree.find((candidate) => candidate.path === segment);
    if (entry === undefined) {
      throw new GitError('NOT_FOUND', `path "${path}" does not exist in commit ${commit} of ${redactUrl(url)}: check the App's path`, { data });
    }
    if (entry.mode === SYMLINK_MODE) {
      throw new GitError('PATH_OUTSIDE_REPOSITORY', `path "${path}" leads into the symlink "${walked}" in commit ${commit} of ${redactUrl(url)}: symlinks are never followed; point the App at the real directory`, { data });
    }
    if (entry.type === 'commit') {
      throw new GitError('NOT_FOUND', `path "${path}" leads into the submodule "${walked}" in commit ${commit} of ${redactUrl(url)}: submodules are not fetched; use the submodule's repository as its own Source`, { data });
    }
    target = { oid: entry.oid, type: entry.type };
  }

  const blobs: Array<{ path: string; oid: string }> = [];
  const tooManyFiles = (): GitError =>
    new GitError('TOO_LARGE', `path "${path || '.'}" of commit ${commit} of ${redactUrl(url)} holds more than ${maxFiles} files: point the App at a smaller directory, or raise maxFiles`, {
      data: { ...data, limit: maxFiles, actual: blobs.length },
    });
  if (target.type === 'blob') {
    blobs.push({ path, oid: target.oid });
  } else {
    const pending: Array<{ prefix: string; oid: string }> = [{ prefix: path, oid: target.oid }];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const { tree } = await git.readTree({ fs, gitdir, oid: next.oid, cache });
      for (const entry of tree) {
        const entryPath = next.prefix === '' ? entry.path : `${next.prefix}/${entry.path}`;
        if (entry.type === 'tree') pending.push({ prefix: entryPath, oid: entry.oid });
        else if (entry.type === 'blob' && entry.mode !== SYMLINK_MODE) blobs.push({ path: entryPath, oid: entry.oid });
        if (blobs.length > maxFiles) throw tooManyFiles();
      }
    }
  }
  // Byte order of the UTF-8 paths: stable across platforms and locales, unlike git's tree order or localeCompare.
  const keyed = blobs.map((blob) => ({ ...blob, key: Buffer.from(blob.path, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));

  const files: TreeFile[] = [];
  let totalBytes = 0;
  for (const blob of keyed) {
    const { blob: bytes } = await git.readBlob({ fs, gitdir, oid: blob.oid, cache });
    totalBytes += bytes.byteLength;
    if (totalBytes > maxTotalBytes) {
      throw new GitError('TOO_LARGE', `files under path "${path || '.'}" of commit ${commit} of ${redactUrl(url)} exceed ${maxTotalBytes} bytes (reached ${totalBytes} at "${blob.path}"): point the App at a smaller directory, or raise maxTotalBytes`, {
        data: { ...data, limit: maxTotalBytes, actual: totalBytes },
      });
    }
    files.push({ path: blob.path, content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') });
  }
  return files;
}
