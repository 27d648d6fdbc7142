import git from 'isomorphic-git';
import { type CacheFileSystem } from './cache-file-system.js';
import { GitError, type GitErrorData } from './git-error.js';
import { redactUrl } from './redact-url.js';

/** Where to find a commit, for commitTreeOid. */
export interface CommitTreeOidOptions {
  fs: CacheFileSystem;
  gitdir: string;
  /** The repository URL, for messages. */
  url: string;
  commit: string;
  /** isomorphic-git's object cache of the caller's walk (parsed pack indexes and packs). */
  cache: object;
  /** What a COMMIT_NOT_FOUND error carries. */
  data: GitErrorData;
}

/** The root tree of a fetched commit; COMMIT_NOT_FOUND when the cache does not hold it (or the id is not a commit). */
export async function commitTreeOid({ fs, gitdir, url, commit, cache, data }: CommitTreeOidOptions): Promise<string> {
  try {
    return (await git.readCommit({ fs, gitdir, oid: commit, cache })).commit.tree;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'NotFoundError' && code !== 'ObjectTypeError') throw error;
    throw new GitError('COMMIT_NOT_FOUND', `commit ${commit} of ${redactUrl(url)} is not in the cache: fetch it with fetchCommit first`, { data, cause: error });
  }
}
