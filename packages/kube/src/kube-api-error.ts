import type { IncomingHttpHeaders } from 'node:http';

/**
 * A non-2xx answer of the API server. `code` is the HTTP status, `body` the response text (usually a Status object
 * as JSON); mapApiError turns it into a FlotillaError naming the object.
 */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: IncomingHttpHeaders,
    /** `PATCH /apis/apps/v1/namespaces/web/deployments/api`, for the message. */
    request: string,
  ) {
    super(`${request} answered HTTP ${code}: ${body.slice(0, 500)}`);
    this.name = 'KubeApiError';
  }
}
