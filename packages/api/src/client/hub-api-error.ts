import type { ApiErrorCode } from '../common/error-body.js';

/** What the failed call was. */
export interface HubApiErrorOptions {
  status: number;
  /** The hub's `error.code`; `INTERNAL` when the answer carried none. */
  code: ApiErrorCode;
  message: string;
  details?: Record<string, unknown>;
  method: string;
  path: string;
  /** Whether the answer was the one error shape (false for a proxy's page or a route the hub does not have). */
  isErrorBody: boolean;
}

/** The hub answered a call with an error status: its `{ error: { code, message, details } }`, and the call. */
export class HubApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly method: string;
  readonly path: string;
  readonly isErrorBody: boolean;

  constructor(options: HubApiErrorOptions) {
    super(options.message);
    this.name = 'HubApiError';
    this.status = options.status;
    this.code = options.code;
    this.details = options.details;
    this.method = options.method;
    this.path = options.path;
    this.isErrorBody = options.isErrorBody;
  }

  /** Whether a value is a HubApiError, optionally of one code. */
  static is(value: unknown, code?: ApiErrorCode): value is HubApiError {
    return value instanceof HubApiError && (code === undefined || value.code === code);
  }
}
