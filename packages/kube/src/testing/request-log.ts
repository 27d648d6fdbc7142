import { type Middleware, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

/** A request as the client sent it: method and URL (query included). */
export interface LoggedRequest {
  method: string;
  url: URL;
}

/** Middleware that records every request, so tests can count what was really sent. */
export class RequestLog implements Middleware {
  readonly requests: LoggedRequest[] = [];

  pre(context: RequestContext): Promise<RequestContext> {
    this.requests.push({ method: context.getHttpMethod().toString(), url: new URL(context.getUrl()) });
    return Promise.resolve(context);
  }

  post(context: ResponseContext): Promise<ResponseContext> {
    return Promise.resolve(context);
  }

  /** PATCH requests that were not dry-runs: the writes of server-side apply. */
  applies(): LoggedRequest[] {
    return this.requests.filter((r) => r.method === 'PATCH' && r.url.searchParams.get('dryRun') === null);
  }

  clear(): void {
    this.requests.length = 0;
  }
}
