/** What went wrong, for the exit status and for scripts that branch on it. */
export type CliErrorCode =
  | 'USAGE'
  | 'HUB_UNREACHABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'HUB_ERROR'
  | 'TIMEOUT'
  | 'INTERRUPTED'
  | 'FAILED';

/** Exit status of each code: 2 usage, 3 hub unreachable, 4 token refused, 5 unknown name or route, 130 Ctrl-C, 1 the rest. */
export const EXIT_CODES: Record<CliErrorCode, number> = {
  USAGE: 2,
  HUB_UNREACHABLE: 3,
  UNAUTHENTICATED: 4,
  PERMISSION_DENIED: 4,
  NOT_FOUND: 5,
  UNSUPPORTED: 5,
  HUB_ERROR: 1,
  TIMEOUT: 1,
  INTERRUPTED: 130,
  FAILED: 1,
};

/** An error the CLI prints as one plain line (no stack) before exiting with its code's status. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }

  /** The exit status for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  static is(value: unknown, code?: CliErrorCode): value is CliError {
    return value instanceof CliError && (code === undefined || value.code === code);
  }
}
