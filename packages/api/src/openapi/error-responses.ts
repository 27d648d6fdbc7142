/** The error responses operations refer to, by status: each the one error body with what the status means here. */
export const ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'The request is not valid (INVALID_ARGUMENT, INVALID_REVISION): `details.fields` lists each bad field' },
  401: { name: 'Unauthenticated', description: 'No API token, or one refused (UNAUTHENTICATED); for webhooks, a missing or wrong signature' },
  403: { name: 'PermissionDenied', description: "The token's role may not do this (PERMISSION_DENIED)" },
  404: { name: 'NotFound', description: 'No such cluster, source, app, rollout or token (NOT_FOUND)' },
  409: { name: 'Conflict', description: 'The name is taken (ALREADY_EXISTS), or the request collides with another (CONFLICT)' },
  412: { name: 'PreconditionFailed', description: 'The fleet is not in a state that allows it (FAILED_PRECONDITION); the message says what to do first' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than the hub accepts (RESOURCE_EXHAUSTED)' },
  429: { name: 'TooManyRequests', description: 'Too many calls (RESOURCE_EXHAUSTED); `details.retryAfterSeconds` says when to retry' },
  500: { name: 'InternalError', description: 'The hub failed (INTERNAL); its log has the cause' },
  503: { name: 'Unavailable', description: 'Something the hub depends on did not answer (UNAVAILABLE): `details.dependency` is `database` when the database is unreachable; retry after `Retry-After` seconds' },
};
