import { FlotillaError } from '@flotilla/core';
import { KubeApiError, readApiError } from '@flotilla/kube';

/** Where to read what the agent needs, named when the API server refused it something. */
const PERMISSIONS_HINT = "grant it to the agent's identity (deploy/README.md lists what the agent needs)";

/**
 * One line saying why the agent could not start, for people: what the API server said (for a refusal, the verb,
 * resource and namespace it names, with a hint to grant it), never a stack trace, response headers or a raw body.
 */
export function describeStartFailure(error: unknown): string {
  const status = refusalStatusOf(error);
  const message = error instanceof KubeApiError ? readApiError(error).message : error instanceof Error ? error.message : String(error);
  const line = message.replace(/\s+/g, ' ').trim();
  return `cannot start: ${line}${status === 401 || status === 403 ? `; ${PERMISSIONS_HINT}` : ''}`;
}

/** The HTTP status of the API server's answer behind an error (401, 403, …), or 0. */
function refusalStatusOf(error: unknown): number {
  for (let cause: unknown = error, depth = 0; cause !== undefined && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof KubeApiError) return cause.code;
    if (cause instanceof FlotillaError && typeof cause.data['status'] === 'number') return cause.data['status'];
    if (typeof cause !== 'object' || cause === null) break;
  }
  return 0;
}
