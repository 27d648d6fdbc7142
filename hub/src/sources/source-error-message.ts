import { GitError } from '@flotilla/git';

/** Connection failures whose kind (refused, reset, timed out) would tell a port scan what is listening. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/**
 * A Source's `lastError` as every API caller may read it. A failed connection is said one way whatever its kind, so
 * the answer to a Source's URL cannot be used to tell an open port from a closed one (the log keeps the kind);
 * everything else (HTTP statuses, DNS, TLS, refused hosts) is the Git error's own message.
 */
export function sourceErrorMessage(error: unknown): string {
  if (!(error instanceof GitError)) return error instanceof Error ? error.message : String(error);
  const errno = error.data.errno;
  if (errno === undefined || !CONNECTION_ERRNOS.has(errno) || error.data.statusCode !== undefined) return error.message;
  return `cannot reach ${error.data.url ?? 'the Git server'} or it dropped the connection: check the host and port, that the Git server is running, and that no firewall is in the way (the hub log says how the connection failed)`;
}
