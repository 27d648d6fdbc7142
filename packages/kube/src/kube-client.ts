import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  type KubeConfig,
  type Middleware,
} from '@kubernetes/client-node';

/** How to reach one cluster; every field but `kubeConfig` has a default. */
export interface KubeClientOptions {
  /** Cluster, credentials and TLS settings (exec plugins and token files are honoured per request). */
  kubeConfig: KubeConfig;
  /** Most connections open to the API server at once; default 32. Requests beyond it queue. */
  maxSockets?: number;
  /** Per request, then the request is aborted; default 30 s. */
  requestTimeoutMs?: number;
  /** Hooks run around every request, in order (metrics, logging, tests counting requests). */
  middleware?: readonly Middleware[];
}

/** How to reach the cluster: a kubeconfig (and client settings), or a KubeClient shared with other users. */
export type ConnectionOptions = KubeClientOptions | { client: KubeClient };

/** The KubeClient of connection options: the one given, or a new one the caller owns (and closes). */
export function clientOf(options: ConnectionOptions): { client: KubeClient; owned: boolean } {
  return 'client' in options ? { client: options.client, owned: false } : { client: new KubeClient(options), owned: true };
}

/** One request: a path below the server, JSON in and out. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with no query, e.g. `/api/v1/namespaces/web/configmaps/app`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as JSON (JSON is valid YAML, so server-side apply takes it too). */
  body?: unknown;
  /** Default `application/json`; `application/apply-patch+yaml` for server-side apply. */
  contentType?: string;
  /** Default `application/json`. */
  accept?: string;
  signal?: AbortSignal;
}

/** MIME type of a server-side apply patch. */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * Raw JSON requests to one API server over @kubernetes/client-node's auth, middleware and HTTP stack. Bodies go out
 * and come back as plain JSON: the typed serializer of KubernetesObjectApi drops every field its models do not know
 * (a manifest field newer than the client would be silently lost) and turns timestamps into Dates, which a GitOps
 * apply cannot afford. Connections are kept alive and pooled, where the client library opens a new one per request.
 * Non-2xx answers reject with the client library's ApiException (code, body, headers).
 */
export class KubeClient {
  readonly server: string;
  private readonly kubeConfig: KubeConfig;
  private readonly httpLibrary = new IsomorphicFetchHttpLibrary();
  private readonly middleware: readonly Middleware[];
  private readonly requestTimeoutMs: number;
  private readonly maxSockets: number;
  private readonly agents = new Map<string, http.Agent>();
  private readonly streamAgents = new Map<string, http.Agent>();

  constructor(options: KubeClientOptions) {
    const cluster = options.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.kubeConfig = options.kubeConfig;
    this.middleware = options.middleware ?? [];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxSockets = options.maxSockets ?? 32;
  }

  /** Sends one request; resolves to the parsed JSON body (undefined when empty), rejects with ApiException on non-2xx. */
  async request<T = unknown>(request: KubeRequest): Promise<T> {
    return (await this.send<T>(request)).body;
  }

  /** Like request(), with the HTTP status too (server-side apply answers 201 when it created the object). */
  async send<T = unknown>(request: KubeRequest): Promise<{ status: number; body: T }> {
    const url = new URL(this.server + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    let context = new RequestContext(url.toString(), HttpMethod[request.method]);
    context.setHeaderParam('Accept', request.accept ?? 'application/json');
    if (request.body !== undefined) {
      context.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
      context.setBody(JSON.stringify(request.body));
    }
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    context.setSignal(request.signal ? AbortSignal.any([request.signal, timeout]) : timeout);
    await this.kubeConfig.applySecurityAuthentication(context);
    this.reuseConnections(context);

    for (const hook of this.middleware) context = await hook.pre(context);
    let response = await this.httpLibrary.send(context).toPromise();
    for (const hook of this.middleware) response = await hook.post(response);

    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException<string>(response.httpStatusCode, `${request.method} ${request.path}`, text, response.headers);
    }
    return { status: response.httpStatusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  /**
   * Opens a long-lived GET (a watch) through the same authentication and TLS settings, and resolves with the response
   * once its headers are in; the caller reads the body as it comes and aborts `signal` to close it. Streams have their
   * own connections, outside the pool that requests share, so a few watches never starve requests; they bypass the
   * middleware, which expects whole responses.
   */
  async stream(request: Pick<KubeRequest, 'path' | 'query' | 'signal'>): Promise<http.IncomingMessage> {
    const url = new URL(this.server + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    await this.kubeConfig.applySecurityAuthentication(context);
    const agent = this.connectionsFor(context, this.streamAgents, { keepAlive: false });
    const isHttps = url.protocol === 'https:';
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const options: https.RequestOptions = { method: 'GET', headers: context.getHeaders(), signal: request.signal };
      if (agent) options.agent = agent;
      const req = (isHttps ? https : http).request(url, options, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  /** Closes the pooled connections and open streams; the client stays usable (new requests open new ones). */
  close(): void {
    for (const agent of [...this.agents.values(), ...this.streamAgents.values()]) agent.destroy();
    this.agents.clear();
    this.streamAgents.clear();
  }

  /**
   * The client library builds a fresh https.Agent for every request (a TCP and TLS handshake each time). Swap it for
   * a pooled keep-alive agent with the same TLS options; agents of other classes (proxies) are left alone.
   */
  private reuseConnections(context: RequestContext): void {
    const common = { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: this.requestTimeoutMs };
    const pooled = this.connectionsFor(context, this.agents, common);
    if (pooled) context.setAgent(pooled);
  }

  /** The agent of `pool` with the TLS options of the context's agent; undefined for agents of other classes (proxies). */
  private connectionsFor(context: RequestContext, pool: Map<string, http.Agent>, common: http.AgentOptions): http.Agent | undefined {
    const agent = context.getAgent();
    if (!agent || (agent.constructor !== https.Agent && agent.constructor !== http.Agent)) return agent as http.Agent | undefined;
    const isHttps = agent instanceof https.Agent;
    const tls: https.AgentOptions = isHttps ? (agent as https.Agent).options : {};
    const picked = {
      ca: tls.ca, cert: tls.cert, key: tls.key, pfx: tls.pfx, passphrase: tls.passphrase,
      rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername,
    };
    // Credentials can rotate (exec plugins, reloaded files): the pool is keyed by the TLS material, not reused blindly.
    const key = createHash('sha256').update(`${isHttps}\0${JSON.stringify(picked)}`).digest('hex');
    let pooled = pool.get(key);
    if (!pooled) {
      pooled = isHttps ? new https.Agent({ ...tls, ...common }) : new http.Agent(common);
      pool.set(key, pooled);
    }
    return pooled;
  }
}
