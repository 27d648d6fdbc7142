import { createHash } from 'node:crypto';
import nodeFs from 'node:fs';
import { join, resolve } from 'node:path';
import { isCommitId } from '@flotilla/core';
import git, { type HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { type CacheFileSystem, removeDirectory, withAtomicWrites, withRememberedReads } from './cache-file-system.js';
import { type GitCredentials } from './git-credentials.js';
import { GitError } from './git-error.js';
import type { GitHostPolicy } from './git-host-policy.js';
import { HttpSession } from './http-session.js';
import { KeyedLock } from './keyed-lock.js';
import { normalizeGitUrl } from './normalize-git-url.js';
import { packIndexObjectIds } from './pack-index.js';
import { readTreeFiles, type TreeFile } from './read-tree-files.js';
import { redactUrl } from './redact-url.js';
import { splitTreePath } from './split-tree-path.js';
import { toGitError } from './to-git-error.js';
import { validateGitUrl } from './validate-git-url.js';
import { withTimeout } from './with-timeout.js';
import { writeCommitTree, type CheckoutResult } from './write-commit-tree.js';

/** Where the cache lives and how it reaches Git servers. */
export interface RepositoryCacheOptions {
  /** Directory holding one cache repository per URL; created when needed. */
  dir: string;
  /** HTTP client; default isomorphic-git's node client. */
  http?: HttpClient;
  /** The Git hosts and addresses fetches may connect to (checked before and as each connection is made); absent: any. */
  hostPolicy?: GitHostPolicy | undefined;
  /** File system; default node:fs. */
  fs?: CacheFileSystem;
  /** Most files readTree returns; default 10,000. */
  maxFiles?: number;
  /** Most bytes readTree returns, summed over files; default 64 MiB. */
  maxTotalBytes?: number;
  /** fetchCommit gives up with TIMEOUT after this long, waiting for the repository's lock included; default 120 s. */
  timeoutMs?: number;
  /**
   * Each fetch adds a pack file and reads get slower with every pack; a fetch into a repository that holds this
   * many starts it afresh with only the new commit. Default 50.
   */
  maxPacks?: number;
}

/** The commit to fetch. */
export interface FetchCommitOptions {
  url: string;
  /** Commit id, 40 hex digits. */
  commit: string;
  /** The branch or tag the commit came from; it picks what the cache already has to send as a base. */
  ref?: string | undefined;
  credentials?: GitCredentials | undefined;
  /** Overrides the cache's timeoutMs. */
  timeoutMs?: number;
}

/** What fetchCommit did. */
export interface FetchCommitResult {
  commit: string;
  /** True when the commit was already cached and no request was made. */
  isCached: boolean;
}

/** The files to read. */
export interface ReadTreeOptions {
  url: string;
  commit: string;
  /** Directory (or file) relative to the repository root; `''` or `'.'` for all of it. */
  path: string;
  /** Override the cache's limits for this read. */
  maxFiles?: number;
  maxTotalBytes?: number;
}

/** The commit to write out, and where. */
export interface CheckoutOptions {
  url: string;
  commit: string;
  /** Directory to write the commit's tree into: absent or empty; the caller removes it when done. */
  dir: string;
  /** Override the cache's limits for this checkout. */
  maxFiles?: number;
  maxTotalBytes?: number;
}

const DEFAULTS = { maxFiles: 10_000, maxTotalBytes: 64 * 1024 * 1024, timeoutMs: 120_000, maxPacks: 50 } as const;
/** The last commit fetched, and per ref the last commit fetched for it: the base a new fetch tells the server it has. */
const LAST_FETCHED_REF = 'refs/flotilla/last';
const FETCHED_REF_PREFIX = 'refs/flotilla/fetched/';
/** What git and hosts answer when a wanted object is missing or not to be sent by id. */
const REFUSED_WANT = /not our ref|not valid|unadvertised|not found|no such/i;
/** Entry directory names: a hash of the normalised URL. */
const ENTRY_NAME = /^[0-9a-f]{32}$/;

/**
 * Locks are per process and per entry directory, shared by every RepositoryCache of the process, so two caches
 * over one directory cannot corrupt it either. Several processes must not share a directory.
 */
const locks = new KeyedLock();

/**
 * A disk cache of shallow Git repositories, one per URL and shared by every App on it: fetches exactly the commits
 * asked for, shallow, and only what is new, and reads files straight from the object store.
 */
export class RepositoryCache {
  private readonly dir: string;
  private readonly http: HttpClient;
  private readonly fs: CacheFileSystem;
  private readonly hostPolicy: GitHostPolicy | undefined;
  private readonly limits: Required<Omit<RepositoryCacheOptions, 'dir' | 'http' | 'fs' | 'hostPolicy'>>;

  constructor(options: RepositoryCacheOptions) {
    // Absolute, so that two caches over one directory, named differently, share its locks.
    this.dir = resolve(options.dir);
    this.http = options.http ?? nodeHttp;
    this.hostPolicy = options.hostPolicy;
    this.fs = withAtomicWrites(options.fs ?? nodeFs);
    this.limits = {
      maxFiles: positiveInteger('maxFiles', options.maxFiles ?? DEFAULTS.maxFiles),
      maxTotalBytes: positiveInteger('maxTotalBytes', options.maxTotalBytes ?? DEFAULTS.maxTotalBytes),
      timeoutMs: positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs),
      maxPacks: positiveInteger('maxPacks', options.maxPacks ?? DEFAULTS.maxPacks),
    };
  }

  /**
   * Makes a commit available to readTree. A cached commit returns at once with no request; otherwise it is
   * fetched with depth 1, sending the last commit fetched (for this ref) as a base so only new objects come.
   * COMMIT_NOT_FOUND when the server does not have it or will not send it by id.
   */
  async fetchCommit(options: FetchCommitOptions): Promise<FetchCommitResult> {
    const url = validateGitUrl(options.url);
    const commit = checkCommit(options.commit, url);
    const { ref, credentials } = options;
    const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? this.limits.timeoutMs);
    const gitdir = this.entryDir(url);
    const onTimeout = (): GitError =>
      new GitError('TIMEOUT', `fetching commit ${commit} from ${redactUrl(url)} took longer than ${timeoutMs} ms: check that the server is reachable, or raise the timeout`, {
        data: { url: redactUrl(url), commit, timeoutMs, ...(ref === undefined ? {} : { ref }) },
      });
    return withTimeout(timeoutMs, onTimeout, (signal) =>
      locks.run(
        gitdir,
        async () => {
          await this.ensureRepository(gitdir, url);
          if (await this.hasCommitIn(gitdir, commit)) return { commit, isCached: true };
          if ((await this.packCount(gitdir)) >= this.limits.maxPacks) {
            await removeDirectory(this.fs, gitdir);
            await this.ensureRepository(gitdir, url);
          }
          const packsBefore = await this.packIndexes(gitdir);
          await this.fetchInto(gitdir, { url, commit, ref, credentials, signal });
          if (await this.hasRefetchedObjects(gitdir, packsBefore)) {
            // Content that comes back (a revert) is sent again as a delta against what replaced it, which may itself
            // be stored as a delta against the first copy: reads would go round that circle until memory runs out.
            // Only a repository where no object is in two packs is safe, so this commit is fetched afresh.
            await removeDirectory(this.fs, gitdir);
            await this.ensureRepository(gitdir, url);
            await this.fetchInto(gitdir, { url, commit, ref, credentials, signal });
          }
          await git.writeRef({ fs: this.fs, gitdir, ref: LAST_FETCHED_REF, value: commit, force: true });
          if (ref !== undefined) await git.writeRef({ fs: this.fs, gitdir, ref: fetchedRefFor(ref), value: commit, force: true });
          return { commit, isCached: false };
        },
        signal,
      ),
    );
  }

  /**
   * Every file under `path` of a fetched commit, with paths from the repository root, sorted byte-wise. Symlinks
   * are skipped and never followed. COMMIT_NOT_FOUND if the commit was not fetched; NOT_FOUND for a missing path;
   * PATH_OUTSIDE_REPOSITORY for `..`, absolute paths and paths through a symlink; TOO_LARGE past the limits.
   */
  async readTree(options: ReadTreeOptions): Promise<TreeFile[]> {
    const url = validateGitUrl(options.url);
    const commit = checkCommit(options.commit, url);
    const segments = splitTreePath(options.path, url, commit);
    const maxFiles = positiveInteger('maxFiles', options.maxFiles ?? this.limits.maxFiles);
    const maxTotalBytes = positiveInteger('maxTotalBytes', options.maxTotalBytes ?? this.limits.maxTotalBytes);
    const gitdir = this.entryDir(url);
    // Nothing writes the repository while its lock is held, so listings and stats can be remembered for the read.
    return locks.run(gitdir, () => readTreeFiles({ fs: withRememberedReads(this.fs), gitdir, url, commit, segments, maxFiles, maxTotalBytes }));
  }

  /**
   * Writes a fetched commit's whole tree into `dir` (blobs as bytes, executables 755, symlinks inside the repository
   * as symlinks, submodules skipped), for tools that read a directory, such as kustomize. COMMIT_NOT_FOUND if the
   * commit was not fetched; PATH_OUTSIDE_REPOSITORY for a symlink leading out of the repository; TOO_LARGE past the
   * limits. On an error `dir` may hold part of the tree: the caller removes it.
   */
  async checkout(options: CheckoutOptions): Promise<CheckoutResult> {
    const url = validateGitUrl(options.url);
    const commit = checkCommit(options.commit, url);
    const maxFiles = positiveInteger('maxFiles', options.maxFiles ?? this.limits.maxFiles);
    const maxTotalBytes = positiveInteger('maxTotalBytes', options.maxTotalBytes ?? this.limits.maxTotalBytes);
    const gitdir = this.entryDir(url);
    return locks.run(gitdir, () => writeCommitTree({ fs: withRememberedReads(this.fs), gitdir, url, commit, dir: options.dir, maxFiles, maxTotalBytes }));
  }

  /** Whether a commit is in the cache, without any request. */
  async hasCommit(url: string, commit: string): Promise<boolean> {
    const gitdir = this.entryDir(validateGitUrl(url));
    const id = checkCommit(commit, url);
    return locks.run(gitdir, () => this.hasCommitIn(gitdir, id));
  }

  /** Drops the cache entry of a URL (all its commits); the next fetchCommit starts afresh. */
  async remove(url: string): Promise<void> {
    const gitdir = this.entryDir(validateGitUrl(url));
    await locks.run(gitdir, () => removeDirectory(this.fs, gitdir));
  }

  /**
   * Drops every cache entry except those of `keepUrls` (all of them when none are given), and returns the URLs
   * dropped. Files in the directory that are not cache entries are left alone.
   */
  async prune(keepUrls: Iterable<string> = []): Promise<string[]> {
    const keep = new Set([...keepUrls].map((url) => this.entryDir(validateGitUrl(url))));
    let names: string[];
    try {
      names = await this.fs.promises.readdir(this.dir);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    const removed: string[] = [];
    for (const name of names.filter((entry) => ENTRY_NAME.test(entry)).sort()) {
      const gitdir = join(this.dir, name);
      if (keep.has(gitdir)) continue;
      await locks.run(gitdir, async () => {
        const url = await git.getConfig({ fs: this.fs, gitdir, path: 'remote.origin.url' }).catch(() => undefined);
        await removeDirectory(this.fs, gitdir);
        removed.push(typeof url === 'string' ? url : name);
      });
    }
    return removed;
  }

  /** The entry directory of a URL: a hash of its normalised form, so variants of one URL share an entry. */
  private entryDir(url: string): string {
    return join(this.dir, createHash('sha256').update(normalizeGitUrl(url)).digest('hex').slice(0, 32));
  }

  /** Creates the bare repository of an entry if needed; finishes one left half-made by a crash. */
  private async ensureRepository(gitdir: string, url: string): Promise<void> {
    await git.init({ fs: this.fs, gitdir, bare: true, defaultBranch: 'main' });
    if ((await git.getConfig({ fs: this.fs, gitdir, path: 'remote.origin.url' })) === undefined) {
      // isomorphic-git's fetch needs a remote with a refspec even when it is given the URL.
      await git.setConfig({ fs: this.fs, gitdir, path: 'remote.origin.fetch', value: '+refs/heads/*:refs/remotes/origin/*' });
      await git.setConfig({ fs: this.fs, gitdir, path: 'remote.origin.url', value: url });
    }
  }

  private async hasCommitIn(gitdir: string, commit: string): Promise<boolean> {
    try {
      await git.readCommit({ fs: this.fs, gitdir, oid: commit, cache: {} });
      return true;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'NotFoundError' || code === 'ObjectTypeError') return false;
      throw error;
    }
  }

  private async packCount(gitdir: string): Promise<number> {
    return (await this.packIndexes(gitdir)).length;
  }

  private async packIndexes(gitdir: string): Promise<string[]> {
    const names = await this.fs.promises.readdir(join(gitdir, 'objects', 'pack')).catch(() => []);
    return names.filter((name) => name.endsWith('.idx'));
  }

  /** Whether a pack added since `before` holds an object that an older pack holds too. */
  private async hasRefetchedObjects(gitdir: string, before: readonly string[]): Promise<boolean> {
    const read = async (name: string): Promise<string[]> =>
      packIndexObjectIds((await this.fs.promises.readFile(join(gitdir, 'objects', 'pack', name))) as Uint8Array);
    const added = (await this.packIndexes(gitdir)).filter((name) => !before.includes(name));
    const fetched = new Set((await Promise.all(added.map(read))).flat());
    for (const name of before) {
      if ((await read(name)).some((id) => fetched.has(id))) return true;
    }
    return false;
  }

  /** One shallow fetch of exactly `commit`; throws unless the commit is in the repository afterwards. */
  private async fetchInto(
    gitdir: string,
    { url, commit, ref, credentials, signal }: { url: string; commit: string; ref: string | undefined; credentials: GitCredentials | undefined; signal: AbortSignal },
  ): Promise<void> {
    const baseRef = ref !== undefined && (await this.refExists(gitdir, fetchedRefFor(ref))) ? fetchedRefFor(ref) : LAST_FETCHED_REF;
    const session = new HttpSession(this.http, { credentials, signal, isThinPackWanted: true, extraHaves: await this.fetchedCommits(gitdir), hostPolicy: this.hostPolicy });
    let failure: GitError | undefined;
    try {
      // `ref` here is the local ref whose commit is sent as a "have"; `remoteRef` is what is wanted, by id.
      await git.fetch({ fs: this.fs, http: session.http, gitdir, url, ref: baseRef, remoteRef: commit, depth: 1, singleBranch: true, tags: false, cache: {} });
    } catch (error) {
      failure = toGitError(error, { url, operation: `fetching commit ${commit}`, commit, credentials, hasResponse: session.responseCount > 0 });
    }
    // A server refuses a want with an ERR line ("upload-pack: not our ref <id>"); git http-backend then also cuts
    // the connection, so the ERR line, not the error thrown, says what happened.
    const refusal = session.uploadPackError;
    if (failure !== undefined && refusal === undefined) throw failure;
    if (await this.hasCommitIn(gitdir, commit)) return;
    const data = { url: redactUrl(url), commit, ...(ref === undefined ? {} : { ref }) };
    const said = refusal === undefined ? '' : ` (the server said: ${refusal})`;
    if (refusal !== undefined && !REFUSED_WANT.test(refusal)) {
      throw new GitError('FETCH_FAILED', `fetching commit ${commit} from ${redactUrl(url)} failed${said}: retry, and check the server`, { data, cause: failure });
    }
    const from = ref === undefined ? '' : ` (ref "${ref}")`;
    throw new GitError(
      'COMMIT_NOT_FOUND',
      `commit ${commit}${from} is not in ${redactUrl(url)}${said}: it does not exist there, or it is not the tip of a branch or tag and the server does not allow fetching commits by id (git: uploadpack.allowReachableSHA1InWant); check the revision`,
      { data, cause: failure },
    );
  }

  /** Every commit fetched into an entry: each came with depth 1, so each is a line of the `shallow` file. */
  private async fetchedCommits(gitdir: string): Promise<string[]> {
    const text = await this.fs.promises.readFile(join(gitdir, 'shallow'), 'utf8').catch(() => '');
    return String(text)
      .split('\n')
      .filter((line) => /^[0-9a-f]{40}$/.test(line));
  }

  private async refExists(gitdir: string, ref: string): Promise<boolean> {
    try {
      await git.resolveRef({ fs: this.fs, gitdir, ref });
      return true;
    } catch {
      return false;
    }
  }
}

/** The local ref remembering the last commit fetched for a Source ref; hashed, since ref names nest freely. */
function fetchedRefFor(ref: string): string {
  return FETCHED_REF_PREFIX + createHash('sha256').update(ref.replace(/^refs\/(heads|tags)\//, '')).digest('hex').slice(0, 16);
}

function checkCommit(commit: string, url: string): string {
  const id = typeof commit === 'string' ? commit.toLowerCase() : '';
  if (!isCommitId(id)) {
    throw new GitError('INVALID_ARGUMENT', `commit ${JSON.stringify(commit)} for ${redactUrl(url)} is not a full commit id: give all 40 hex digits`, {
      data: { url: redactUrl(url) },
    });
  }
  return id;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new GitError('INVALID_ARGUMENT', `${name} must be a positive whole number, not ${String(value)}`);
  }
  return value;
}
