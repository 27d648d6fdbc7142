import { basename, dirname } from 'node:path';

/** What a file system must answer to `stat` and `lstat`. */
export interface CacheFileStats {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * The file system a RepositoryCache works on: isomorphic-git's promise-based `fs` client (node:fs qualifies).
 * `rename` makes pack writes atomic and `rm` speeds up removal; both are used when present.
 */
export interface CacheFileSystem {
  promises: {
    readFile(path: string, options?: unknown): Promise<unknown>;
    writeFile(path: string, data: unknown, options?: unknown): Promise<unknown>;
    mkdir(path: string, options?: unknown): Promise<unknown>;
    rmdir(path: string, options?: unknown): Promise<unknown>;
    unlink(path: string): Promise<unknown>;
    stat(path: string): Promise<CacheFileStats>;
    lstat(path: string): Promise<CacheFileStats>;
    readdir(path: string): Promise<string[]>;
    readlink?(path: string, options?: unknown): Promise<unknown>;
    symlink?(target: string, path: string): Promise<unknown>;
    chmod?(path: string, mode: number): Promise<unknown>;
    rename?(from: string, to: string): Promise<unknown>;
    rm?(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<unknown>;
  };
}

type Promises = CacheFileSystem['promises'];

let temporaryFiles = 0;

/**
 * The same file system, except that every `writeFile` goes to a temporary file that is then renamed into place.
 * isomorphic-git writes a fetched pack and then its index; a process killed half-way through writing an index
 * would otherwise leave a truncated one that breaks every later read of the cache. Needs `rename`.
 */
export function withAtomicWrites(fs: CacheFileSystem): CacheFileSystem {
  const inner = fs.promises;
  const promises = bindAll(inner);
  const { rename } = promises;
  if (rename === undefined) return { promises };
  promises.writeFile = async (path, data, options) => {
    const temporary = `${path}.${process.pid}-${++temporaryFiles}.tmp`;
    // isomorphic-git creates missing parent directories when this throws ENOENT, then calls again.
    await inner.writeFile(temporary, data, options);
    try {
      await rename(temporary, path);
    } catch (error) {
      await inner.unlink(temporary).catch(() => undefined);
      throw error;
    }
  };
  return { promises };
}

/**
 * The same file system for a read-only stretch of work under the repository's lock, with directory listings and
 * stats remembered: isomorphic-git stats the repository and lists the packs for every object it reads, and looks
 * for a loose object file first. A file whose directory a remembered listing lacks is missing without a syscall.
 */
export function withRememberedReads(fs: CacheFileSystem): CacheFileSystem {
  const promises = bindAll(fs.promises);
  const { readFile, readdir, stat } = promises;
  const listings = new Map<string, Promise<string[]>>();
  const stats = new Map<string, Promise<CacheFileStats>>();
  promises.readdir = (path) => remember(listings, path, () => readdir(path));
  promises.stat = (path) => remember(stats, path, () => stat(path));
  promises.readFile = async (path, options) => {
    const parent = dirname(path);
    const siblings = await promises.readdir(dirname(parent)).catch(() => undefined);
    if (siblings !== undefined && !siblings.includes(basename(parent))) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    }
    return readFile(path, options);
  };
  return { promises };
}

/** Deletes a directory and everything in it; nothing happens if it does not exist. */
export async function removeDirectory(fs: CacheFileSystem, path: string): Promise<void> {
  const { promises } = fs;
  if (promises.rm !== undefined) {
    await promises.rm(path, { recursive: true, force: true });
    return;
  }
  let stats: CacheFileStats;
  try {
    stats = await promises.lstat(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isDirectory()) {
    await promises.unlink(path);
    return;
  }
  for (const name of await promises.readdir(path)) await removeDirectory(fs, `${path}/${name}`);
  await promises.rmdir(path);
}

function remember<T>(memory: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = memory.get(key);
  if (value === undefined) {
    value = load();
    memory.set(key, value);
  }
  return value;
}

/**
 * A fresh promises object with every method bound to the original, so wrappers can replace some and keep `this`
 * for file systems that need it. isomorphic-git binds readlink and symlink unconditionally, so they get stand-ins.
 */
function bindAll(inner: Promises): Promises {
  const unsupported = (name: string) => (): Promise<never> =>
    Promise.reject(Object.assign(new Error(`${name} is not supported by this file system`), { code: 'ENOSYS' }));
  const promises: Promises = {
    readFile: inner.readFile.bind(inner),
    writeFile: inner.writeFile.bind(inner),
    mkdir: inner.mkdir.bind(inner),
    rmdir: inner.rmdir.bind(inner),
    unlink: inner.unlink.bind(inner),
    stat: inner.stat.bind(inner),
    lstat: inner.lstat.bind(inner),
    readdir: inner.readdir.bind(inner),
    readlink: inner.readlink?.bind(inner) ?? unsupported('readlink'),
    symlink: inner.symlink?.bind(inner) ?? unsupported('symlink'),
  };
  if (inner.chmod !== undefined) promises.chmod = inner.chmod.bind(inner);
  if (inner.rename !== undefined) promises.rename = inner.rename.bind(inner);
  if (inner.rm !== undefined) promises.rm = inner.rm.bind(inner);
  return promises;
}
