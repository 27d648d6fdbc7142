import { GitError } from './git-error.js';
import { redactUrl } from './redact-url.js';

/**
 * Checks a Git URL and returns it in canonical form (lower-case host, default port dropped, no trailing slash).
 * Only http(s) is accepted, with no credentials, whitespace, query or fragment; anything else is INVALID_URL.
 */
export function validateGitUrl(url: string): string {
  const fail = (problem: string): never => {
    throw new GitError('INVALID_URL', `Git URL "${redactUrl(url)}" ${problem}`, { data: { url: redactUrl(url) } });
  };
  if (typeof url !== 'string' || url === '') fail('is empty: give the http(s) URL of the repository');
  // Control characters are whitespace for this purpose: none belongs in a URL, and a newline would split a log line.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(url)) fail('contains whitespace or control characters: remove them');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('is not a valid URL: use https://host/path/repository.git');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    fail(`uses ${parsed.protocol.replace(/:$/, '')}: only http and https are supported (no ssh, git or file)`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    fail('has credentials in it: remove them from the URL and set the Source\'s credentials instead');
  }
  if (parsed.hostname === '') fail('has no host');
  if (parsed.search !== '' || parsed.hash !== '' || url.includes('?') || url.includes('#')) {
    fail('has a query or fragment: give the plain repository URL');
  }
  return parsed.href.replace(/\/+$/, '');
}
