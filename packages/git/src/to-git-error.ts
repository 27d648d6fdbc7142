import { type GitCredentials } from './git-credentials.js';
import { GitError, type GitErrorData } from './git-error.js';
import { redactUrl } from './redact-url.js';

/** What was being done when an error happened, so the message can name it. */
export interface GitErrorContext {
  /** The repository URL; redacted before it reaches a message. */
  url: string;
  /** What was being done, as a phrase without the URL: "listing refs", "fetching commit 3f2a…". */
  operation: string;
  ref?: string;
  commit?: string;
  /** The credentials that were sent, if any: they change the advice on 401 and 404, and are scrubbed from messages. */
  credentials?: GitCredentials | undefined;
  /** Whether the server had already answered, so a dropped connection is not "unreachable". */
  hasResponse?: boolean;
}

/** Connection failures that mean the server could not be reached at all. */
const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** TLS failures: the server answered, but could not be trusted. */
const TLS_ERRNO = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * Maps anything thrown by isomorphic-git, its HTTP client or Node to a GitError with a stable code and a message
 * that names the (password-free) URL and what to do. A GitError passes through unchanged.
 */
export function toGitError(error: unknown, context: GitErrorContext): GitError {
  if (error instanceof GitError) return error;
  const url = redactUrl(context.url);
  const data: GitErrorData = { url };
  if (context.ref !== undefined) data.ref = context.ref;
  if (context.commit !== undefined) data.commit = context.commit;
  const what = context.operation;
  const make = (code: GitError['code'], message: string, extra: GitErrorData = {}): GitError =>
    new GitError(code, message, { data: { ...data, ...extra }, cause: error });

  const code = errorCode(error);
  if (code === 'HttpError') {
    const statusCode = Number((error as { data?: { statusCode?: unknown } }).data?.statusCode);
    const status = `HTTP ${statusCode}`;
    if (statusCode === 401) {
      return context.credentials !== undefined
        ? make('UNAUTHORIZED', `${url} refused the credentials (${status}) while ${what}: check the Source's user name and password or token`, { statusCode })
        : make('UNAUTHORIZED', `${url} requires credentials (${status}) while ${what}: set the Source's credentials`, { statusCode });
    }
    if (statusCode === 403) {
      return make('UNAUTHORIZED', `${url} denied access (${status}) while ${what}: check that the credentials may read this repository`, { statusCode });
    }
    if (statusCode === 407) {
      return make('UNAUTHORIZED', `a proxy refused the request (${status}) while ${what}: check the proxy's credentials`, { statusCode });
    }
    if (statusCode === 404 || statusCode === 410) {
      const hint = context.credentials !== undefined ? '' : ' (hosts also answer 404 for a private repository asked for without credentials)';
      return make('NOT_FOUND', `no Git repository at ${url} (${status}) while ${what}: check the URL${hint}`, { statusCode });
    }
    if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
      return make('UNREACHABLE', `${url} answered ${status} while ${what}: the Git server is failing or busy; retry later`, { statusCode });
    }
    return make('FETCH_FAILED', `${url} answered ${status} while ${what}: check that the URL is a Git repository served over smart HTTP`, { statusCode });
  }
  if (code === 'SmartHttpError') {
    return make('NOT_FOUND', `${url} did not answer as a Git server while ${what}: check the URL (it must be the repository's clone URL)`);
  }
  if (code === 'UrlParseError' || code === 'UnknownTransportError') {
    return make('INVALID_URL', `Git URL "${url}" cannot be used: use https://host/path/repository.git`);
  }
  if (code === 'UserCanceledError') {
    return make('UNAUTHORIZED', `${url} refused the credentials while ${what}: check the Source's credentials`);
  }
  if (code === 'AbortError' || code === 'ABORT_ERR') {
    return make('TIMEOUT', `${what} at ${url} was aborted before it finished: retry, or raise the timeout`);
  }
  if (code === 'NotFoundError' && context.ref !== undefined) {
    return make('REF_NOT_FOUND', `ref "${context.ref}" does not exist in ${url}: check the Source's branch or tag`);
  }
  if (code !== undefined && TLS_ERRNO.test(code)) {
    return make('UNREACHABLE', `TLS verification of ${url} failed (${code}) while ${what}: check the server's certificate`, { errno: code });
  }
  if (code !== undefined && UNREACHABLE_ERRNOS.has(code)) {
    if (context.hasResponse === true) {
      return make('FETCH_FAILED', `the connection to ${url} broke (${code}) while ${what}: retry`, { errno: code });
    }
    const advice =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'check the host name and DNS'
        : 'check the host and port, that the Git server is running, and that no firewall is in the way';
    return make('UNREACHABLE', `cannot reach ${url} (${code}) while ${what}: ${advice}`, { errno: code });
  }
  const detail = scrub(error instanceof Error ? error.message : String(error), context.credentials);
  return make('FETCH_FAILED', `${what} at ${url} failed: ${detail}; retry, and check that the URL is a Git repository`);
}

/** The `code` of an error or of its cause: isomorphic-git's class code, or Node's errno string. */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (current.name === 'AbortError') return 'AbortError';
  }
  return undefined;
}

/** Removes a password, and the Basic token made from it, from text that came from elsewhere. */
function scrub(text: string, credentials: GitCredentials | undefined): string {
  if (credentials === undefined || credentials.password === '') return text;
  const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return text.replaceAll(token, '***').replaceAll(credentials.password, '***');
}
