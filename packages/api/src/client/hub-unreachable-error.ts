/** The hub could not be reached (refused, unknown host, reset) or did not answer in time; no status came back. */
export class HubUnreachableError extends Error {
  constructor(
    /** The hub's base URL. */
    readonly url: string,
    /** The network's reason (`ECONNREFUSED`, `ENOTFOUND`, a message). */
    readonly reason: string,
    /** True when the call timed out rather than failed. */
    readonly isTimeout: boolean,
    options?: { cause?: unknown },
  ) {
    super(isTimeout ? `the hub at ${url} did not answer in time` : `cannot reach the hub at ${url} (${reason})`, options);
    this.name = 'HubUnreachableError';
  }

  /** Whether a value is a HubUnreachableError. */
  static is(value: unknown): value is HubUnreachableError {
    return value instanceof HubUnreachableError;
  }
}
