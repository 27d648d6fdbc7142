import { getMaxListeners, setMaxListeners } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { connectTo, type ClusterConnection } from './cluster-connection.js';
import { KubeApiError } from './kube-api-error.js';
import type { Kubeconfig } from './kubeconfig.js';

/** How to reach one cluster; every field but `kubeConfig` has a default. */
export interface KubeClientOptions {
  /** Cluster, credentials and TLS settings: its current context is used (token files and exec plugins per request). */
  kubeConfig: Kubeconfig;
  /** Most connections open to the API server at once; default 32. Requests beyond it queue. */
  maxSockets?: number;
  /** Per request, then the request is aborted; default 30 s. */
  requestTimeoutMs?: number;
  /** Hooks run around every request, in order (metrics, logging, tests counting requests). */
  hooks?: readonly RequestHook[];
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

/** A request about to be sent, as hooks see it; they may change its headers. */
export interface OutgoingRequest {
  readonly method: KubeRequest['method'];
  readonly url: URL;
  readonly headers: Record<string, string>;
}

/** A whole response, as hooks see it, before a non-2xx status is turned into a KubeApiError. */
export interface CompletedResponse {
  readonly request: OutgoingRequest;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Called around every request() and send(), synchronously; streams (watches) bypass hooks. */
export interface RequestHook {
  pre?(request: OutgoingRequest): void;
  post?(response: CompletedResponse): void;
}

/** MIME type of a server-side apply patch. */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * Raw JSON requests to one API server over node:https, with connections kept alive and pooled. Bodies go out and come
 * back as plain JSON: a typed client's serializer drops every field its models do not know (a manifest field newer
 * than the client would be silently lost), which a GitOps apply cannot afford. TLS settings and fixed headers are
 * resolved once from the kubeconfig; only rotating credentials (token files, exec plugins) are looked at per request.
 * Non-2xx answers reject with KubeApiError (code, body, headers).
 */
export class KubeClient {
  readonly server: string;
  private readonly connection: ClusterConnection;
  private readonly hooks: readonly RequestHook[];
  private readonly requestTimeoutMs: number;
  private readonly maxSockets: number;
  /** The agent of requests and the one of streams, each with the key of the exec plugin's client certificate ('' for none). */
  private agents: Partial<Record<'pooled' | 'stream', { key: string; agent: http.Agent }>> = {};

  constructor(options: KubeClientOptions) {
    this.connection = connectTo(options.kubeConfig);
    this.server = this.connection.server;
    this.hooks = options.hooks ?? [];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxSockets = options.maxSockets ?? 32;
  }

  /** Sends one request; resolves to the parsed JSON body (undefined when empty), rejects with KubeApiError on non-2xx. */
  async request<T = unknown>(request: KubeRequest): Promise<T> {
    return (await this.send<T>(request)).body;
  }

  /** Like request(), with the HTTP status too (server-side apply answers 201 when it created the object). */
  async send<T = unknown>(request: KubeRequest): Promise<{ status: number; body: T }> {
    const { headers, agent } = await this.prepare(request.accept ?? 'application/json', 'pooled');
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const outgoing: OutgoingRequest = { method: request.method, url: this.urlOf(request), headers };
    for (const hook of this.hooks) hook.pre?.(outgoing);
    const response = await this.exchange(outgoing, body, agent, request.signal);
    for (const hook of this.hooks) hook.post?.(response);
    if (response.status < 200 || response.status > 299) {
      throw new KubeApiError(response.status, response.body, response.headers, `${request.method} ${request.path}`);
    }
    return { status: response.status, body: (response.body === '' ? undefined : JSON.parse(response.body)) as T };
  }

  /**
   * Opens a long-lived GET (a watch) with the same credentials and TLS settings, and resolves with the response once
   * its headers are in, whatever its status; the caller reads the body as it comes and aborts `signal` to close it.
   * Streams have their own connections, outside the pool that requests share, so a few watches never starve
   * requests; they bypass the hooks, which expect whole responses.
   */
  async stream(request: Pick<KubeRequest, 'path' | 'query' | 'signal'>): Promise<http.IncomingMessage> {
    const { headers, agent } = await this.prepare('application/json', 'stream');
    const transport = this.connection.isHttps ? https : http;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(this.urlOf(request), { method: 'GET', headers, agent, signal: request.signal }, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  /** Closes the pooled connections and open streams; the client stays usable (new requests open new ones). */
  close(): void {
    for (const { agent } of Object.values(this.agents)) agent.destroy();
    this.agents = {};
  }

  /** Headers of one request (fixed ones, plus the current rotating credential) and the agent to send it through. */
  private async prepare(accept: string, use: 'pooled' | 'stream'): Promise<{ headers: Record<string, string>; agent: http.Agent }> {
    const headers: Record<string, string> = { ...this.connection.headers, Accept: accept };
    if (!this.connection.credentials) return { headers, agent: this.agentOf(use) };
    const credentials = await this.connection.credentials();
    if (credentials.authorization) headers['Authorization'] = credentials.authorization;
    return { headers, agent: this.agentOf(use, credentials.cert === undefined ? undefined : credentials) };
  }

  /** The agent for pooled requests or for streams, for the exec plugin's client certificate if any; made on first use. */
  private agentOf(use: 'pooled' | 'stream', certificate?: Pick<https.AgentOptions, 'cert' | 'key'>): http.Agent {
    const key = certificate ? `${String(certificate.cert)}\0${String(certificate.key)}` : '';
    const current = this.agents[use];
    if (current?.key === key) return current.agent;
    // A new certificate replaces the old one: requests in flight finish on the old agent and its idle sockets time
    // out, so it is dropped, not destroyed.
    const options: https.AgentOptions =
      use === 'stream' ? { keepAlive: false } : { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: POOLED_SOCKET_IDLE_MS };
    const agent = this.connection.isHttps ? new https.Agent({ ...tlsOptions({ ...this.connection.tls, ...certificate }), ...options }) : new http.Agent(options);
    this.agents[use] = { key, agent };
    return agent;
  }

  private urlOf(request: Pick<KubeRequest, 'path' | 'query'>): URL {
    const url = new URL(this.server + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /** Sends the request and reads the whole answer; rejects on network errors, on `signal` and after the timeout. */
  private exchange(request: OutgoingRequest, body: string | undefined, agent: http.Agent, signal: AbortSignal | undefined): Promise<CompletedResponse> {
    const transport = this.connection.isHttps ? https : http;
    // Each request in flight listens on the caller's signal, and a verb sends many at once on one signal: raise its
    // limit so that Node does not take them for a listener leak.
    if (signal && getMaxListeners(signal) < this.maxSockets * 2) setMaxListeners(this.maxSockets * 2, signal);
    return new Promise<CompletedResponse>((resolve, reject) => {
      const req = transport.request(request.url, { method: request.method, headers: request.headers, agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ request, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      // A whole-request deadline (a socket timeout would only catch silence).
      const timer = setTimeout(() => {
        const error = new Error(`${request.method} ${request.url.pathname} timed out after ${this.requestTimeoutMs} ms`);
        error.name = 'TimeoutError';
        req.destroy(error);
      }, this.requestTimeoutMs);
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(error);
      }
      req.on('error', fail);
      req.end(body);
    });
  }
}

/**
 * How long a pooled connection may stay idle before it is closed: below the API server's own idle timeout (90 s, so
 * it never closes a socket a request is about to use), and long enough that an agent between two commits a minute
 * apart does not open all its TLS connections again. Requests have their own whole-request deadline.
 */
const POOLED_SOCKET_IDLE_MS = 60_000;

/**
 * TLS options with the CA, certificate and key parsed once into a secure context: given as PEM, every new connection
 * parses them again (an agent idle longer than the socket timeout reconnects all at once, and 100 agents of a
 * simulated fleet spent a sixth of their CPU there).
 */
function tlsOptions({ ca, cert, key, ...rest }: https.AgentOptions): https.AgentOptions {
  return { ...rest, secureContext: tls.createSecureContext({ ca, cert, key }) };
}
