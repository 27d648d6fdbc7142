/**
 * Codes of reconcile failures that say nothing about the revision: something was out of reach (the hub, the API
 * server, a Git host for agents older than artifacts) or came damaged on the way. The agent tries again soon; a
 * rollout waits for the next report instead of counting the cluster as failed. One list for both, so that what an
 * agent retries is never what a rollout halts on.
 */
const TRANSIENT_FAILURE_CODES: ReadonlySet<string> = new Set([
  // The hub, or the artifact it names, out of reach: the agent fetches it again.
  'ARTIFACT_UNAVAILABLE',
  'ARTIFACT_NOT_FOUND',
  'INVALID_ARTIFACT',
  // The API server out of reach, overloaded, or failing itself.
  'UNAVAILABLE',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
  // Agents that fetched Git themselves (before artifacts) report these.
  'GIT_UNREACHABLE',
  'GIT_TIMEOUT',
  'GIT_FETCH_FAILED',
]);

/** Whether a reconcile failure with this code is worth retrying soon rather than a verdict on the revision. */
export function isTransientFailure(code: string): boolean {
  return TRANSIENT_FAILURE_CODES.has(code);
}
