import { GitError } from './git-error.js';
import { redactUrl } from './redact-url.js';

/**
 * Splits a path inside a repository into its segments; `''` and `'.'` are the root. An absolute path or a `..`
 * segment is PATH_OUTSIDE_REPOSITORY.
 */
export function splitTreePath(path: string, url: string, commit: string): string[] {
  const fail = (code: 'PATH_OUTSIDE_REPOSITORY' | 'INVALID_ARGUMENT', problem: string): never => {
    throw new GitError(code, `path ${JSON.stringify(path)} ${problem} (commit ${commit} of ${redactUrl(url)})`, {
      data: { url: redactUrl(url), commit, path },
    });
  };
  if (typeof path !== 'string') return fail('INVALID_ARGUMENT', 'is not a string: give a path relative to the repository root');
  if (path.includes('\0')) fail('INVALID_ARGUMENT', 'contains a NUL character');
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) {
    fail('PATH_OUTSIDE_REPOSITORY', 'is absolute: give a path relative to the repository root, e.g. "deploy/web"');
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) fail('PATH_OUTSIDE_REPOSITORY', 'leaves the repository with "..": give a path inside it');
  return segments;
}
