import { type ErrorCode, FlotillaError } from '@flotilla/core';

/**
 * The closed set of Git error codes. Callers branch on `code`; `toFlotillaError()` maps each to the code the
 * REST and gRPC edges know.
 */
export const GIT_ERROR_CODES = [
  'UNREACHABLE',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'REF_NOT_FOUND',
  'COMMIT_NOT_FOUND',
  'INVALID_URL',
  'INVALID_ARGUMENT',
  'HOST_REFUSED',
  'PATH_OUTSIDE_REPOSITORY',
  'TOO_LARGE',
  'TIMEOUT',
  'FETCH_FAILED',
] as const;

/** A stable, machine-readable Git error code. */
export type GitErrorCode = (typeof GIT_ERROR_CODES)[number];

/** What a GitError concerns; URLs are always stored without a password. */
export interface GitErrorData {
  url?: string;
  ref?: string;
  commit?: string;
  path?: string;
  /** HTTP status the Git server answered with. */
  statusCode?: number;
  /** Node's error code of a failed connection (`ECONNREFUSED`, `ENOTFOUND`, ...). */
  errno?: string;
  /** The limit that was exceeded, and by how much. */
  limit?: number;
  actual?: number;
  timeoutMs?: number;
  /** The Git host a policy refused. */
  host?: string;
}

/** Options of a GitError: typed data and the underlying cause. */
export interface GitErrorOptions {
  data?: GitErrorData;
  cause?: unknown;
}

/**
 * The Flotilla code each Git code maps to. UNAUTHORIZED is a FAILED_PRECONDITION, not UNAUTHENTICATED: it is the
 * Git server refusing the Source's credentials, not Flotilla refusing its caller.
 */
const FLOTILLA_CODES: Record<GitErrorCode, ErrorCode> = {
  UNREACHABLE: 'UNAVAILABLE',
  UNAUTHORIZED: 'FAILED_PRECONDITION',
  NOT_FOUND: 'NOT_FOUND',
  REF_NOT_FOUND: 'NOT_FOUND',
  COMMIT_NOT_FOUND: 'NOT_FOUND',
  INVALID_URL: 'INVALID_ARGUMENT',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  HOST_REFUSED: 'INVALID_ARGUMENT',
  PATH_OUTSIDE_REPOSITORY: 'INVALID_ARGUMENT',
  TOO_LARGE: 'RESOURCE_EXHAUSTED',
  TIMEOUT: 'UNAVAILABLE',
  FETCH_FAILED: 'UNAVAILABLE',
};

/** An error of @flotilla/git: a stable `code`, typed `data`, a `cause`, and a message naming the URL and what to do. */
export class GitError extends Error {
  readonly data: GitErrorData;

  constructor(
    readonly code: GitErrorCode,
    message: string,
    options: GitErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GitError';
    this.data = options.data ?? {};
  }

  /** Whether a value is a GitError, optionally with a given code. */
  static is(value: unknown, code?: GitErrorCode): value is GitError {
    return value instanceof GitError && (code === undefined || value.code === code);
  }

  /** The same failure as a FlotillaError, for the edges that map Flotilla codes to HTTP and gRPC statuses. */
  toFlotillaError(): FlotillaError {
    return new FlotillaError(FLOTILLA_CODES[this.code], this.message, { data: { ...this.data, gitCode: this.code }, cause: this });
  }
}
