import type { OutgoingRequest, RequestHook } from '../kube-client.js';

/** A request as the client sent it: method and URL (query included). */
export interface LoggedRequest {
  method: string;
  url: URL;
}

/** A request hook that records every request, so tests can count what was really sent. */
export class RequestLog implements RequestHook {
  readonly requests: LoggedRequest[] = [];

  pre(request: OutgoingRequest): void {
    this.requests.push({ method: request.method, url: request.url });
  }

  /** PATCH requests that were not dry-runs: the writes of server-side apply. */
  applies(): LoggedRequest[] {
    return this.requests.filter((r) => r.method === 'PATCH' && r.url.searchParams.get('dryRun') === null);
  }

  clear(): void {
    this.requests.length = 0;
  }
}
