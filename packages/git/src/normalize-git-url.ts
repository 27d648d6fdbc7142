import { validateGitUrl } from './validate-git-url.js';

/**
 * The identity of a repository URL: validated, canonical, without trailing `/` or `.git`, so that
 * `https://Host/org/app.git` and `https://host/org/app/` name one cache entry. Throws INVALID_URL.
 */
export function normalizeGitUrl(url: string): string {
  return validateGitUrl(url).replace(/\.git$/, '');
}
