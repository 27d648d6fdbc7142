// Git access over isomorphic-git: resolve refs without cloning, fetch exactly one commit shallowly into a disk
// cache, read the files under a path, or write a commit's whole tree to a directory. I/O (http, fs) is passed in through options; nothing reads the environment.
export { type CacheFileStats, type CacheFileSystem } from './cache-file-system.js';
export { type GitCredentials } from './git-credentials.js';
export { GIT_ERROR_CODES, GitError, type GitErrorCode, type GitErrorData, type GitErrorOptions } from './git-error.js';
export { DEFAULT_DENIED_GIT_ADDRESSES, GitHostPolicy, type GitHostPolicyOptions } from './git-host-policy.js';
export { normalizeGitUrl } from './normalize-git-url.js';
export { type TreeFile } from './read-tree-files.js';
export { redactUrl } from './redact-url.js';
export {
  type CheckoutOptions,
  type FetchCommitOptions,
  type FetchCommitResult,
  type ReadTreeOptions,
  RepositoryCache,
  type RepositoryCacheOptions,
} from './repository-cache.js';
export { resolveRef, type ResolvedRef, type ResolveRefOptions } from './resolve-ref.js';
export { type GitErrorContext, toGitError } from './to-git-error.js';
export { validateGitUrl } from './validate-git-url.js';
export { type CheckoutResult } from './write-commit-tree.js';
