import type { OperationSpec } from '../operations/operation-spec.js';
import { OPERATIONS } from '../operations/operations.js';
import type { HubApiError } from './hub-api-error.js';
import { HubUnreachableError } from './hub-unreachable-error.js';
import type { BodyOf, CallInput, QueryOf, ResponseOf } from './operation-types.js';
import { parseErrorAnswer } from './parse-error-answer.js';
import { type FleetEventView, fleetEventViewSchema } from '../events/fleet-event-view.js';
import { parseServerSentEvents } from './parse-server-sent-events.js';

type Ops = typeof OPERATIONS;

/** Where the hub is, who is asking, and how long to wait. */
export interface HubApiClientOptions {
  /** Base URL of the hub, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** An API token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per call; default 30 s. */
  timeoutMs?: number;
  /** Turns the client's errors into the caller's own (the CLI's exit codes); default: thrown as they are. */
  mapError?: (error: HubApiError | HubUnreachableError) => Error;
}

/**
 * The hub's REST API (/api/v1), one method per operation, over global fetch (so a browser can use it too). A failed
 * call throws HubApiError (the hub's `{ error: { code, message, details } }` and the status) or HubUnreachableError.
 */
export class HubApiClient {
  readonly url: string;
  protected readonly token: string | undefined;
  protected readonly timeoutMs: number;
  private readonly mapError: (error: HubApiError | HubUnreachableError) => Error;

  constructor(options: HubApiClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.mapError = options.mapError ?? ((error) => error);
  }

  // clusters
  createCluster(body: BodyOf<Ops['createCluster']>) {
    return this.call(OPERATIONS.createCluster, { body });
  }
  listClusters(query: QueryOf<Ops['listClusters']> = {}) {
    return this.call(OPERATIONS.listClusters, { query });
  }
  getCluster(name: string) {
    return this.call(OPERATIONS.getCluster, { params: { name } });
  }
  updateCluster(name: string, body: BodyOf<Ops['updateCluster']>) {
    return this.call(OPERATIONS.updateCluster, { params: { name }, body });
  }
  deleteCluster(name: string) {
    return this.call(OPERATIONS.deleteCluster, { params: { name } });
  }
  issueJoinToken(name: string) {
    return this.call(OPERATIONS.issueJoinToken, { params: { name } });
  }
  rotateClusterCredential(name: string) {
    return this.call(OPERATIONS.rotateClusterCredential, { params: { name } });
  }
  revokeClusterCredential(name: string) {
    return this.call(OPERATIONS.revokeClusterCredential, { params: { name } });
  }
  getClusterStatus(name: string) {
    return this.call(OPERATIONS.getClusterStatus, { params: { name } });
  }

  // sources
  createSource(body: BodyOf<Ops['createSource']>) {
    return this.call(OPERATIONS.createSource, { body });
  }
  listSources(query: QueryOf<Ops['listSources']> = {}) {
    return this.call(OPERATIONS.listSources, { query });
  }
  getSource(name: string) {
    return this.call(OPERATIONS.getSource, { params: { name } });
  }
  updateSource(name: string, body: BodyOf<Ops['updateSource']>) {
    return this.call(OPERATIONS.updateSource, { params: { name }, body });
  }
  deleteSource(name: string) {
    return this.call(OPERATIONS.deleteSource, { params: { name } });
  }
  refreshSource(name: string) {
    return this.call(OPERATIONS.refreshSource, { params: { name } });
  }
  listSourceRevisions(name: string, query: QueryOf<Ops['listSourceRevisions']> = {}) {
    return this.call(OPERATIONS.listSourceRevisions, { params: { name }, query });
  }
  /** Sends a push event as a Git host does: the raw body and its `x-hub-signature-256`, `x-github-event`, `x-github-delivery` headers. */
  receiveWebhook(source: string, body: string, headers: Record<string, string>) {
    return this.call(OPERATIONS.receiveWebhook, { params: { source }, body: new RawBody(body, headers) });
  }

  // apps
  createApp(body: BodyOf<Ops['createApp']>) {
    return this.call(OPERATIONS.createApp, { body });
  }
  listApps(query: QueryOf<Ops['listApps']> = {}) {
    return this.call(OPERATIONS.listApps, { query });
  }
  getApp(name: string) {
    return this.call(OPERATIONS.getApp, { params: { name } });
  }
  updateApp(name: string, body: BodyOf<Ops['updateApp']>) {
    return this.call(OPERATIONS.updateApp, { params: { name }, body });
  }
  deleteApp(name: string) {
    return this.call(OPERATIONS.deleteApp, { params: { name } });
  }
  getAppStatus(name: string) {
    return this.call(OPERATIONS.getAppStatus, { params: { name } });
  }
  getAppManifests(name: string, query: QueryOf<Ops['getAppManifests']>) {
    return this.call(OPERATIONS.getAppManifests, { params: { name }, query });
  }
  listAppHistory(name: string, query: QueryOf<Ops['listAppHistory']> = {}) {
    return this.call(OPERATIONS.listAppHistory, { params: { name }, query });
  }
  rollbackApp(name: string, body: BodyOf<Ops['rollbackApp']> = {}) {
    return this.call(OPERATIONS.rollbackApp, { params: { name }, body });
  }
  syncApp(name: string, body: BodyOf<Ops['syncApp']> = {}) {
    return this.call(OPERATIONS.syncApp, { params: { name }, body });
  }
  unpinApp(name: string, body: BodyOf<Ops['unpinApp']> = {}) {
    return this.call(OPERATIONS.unpinApp, { params: { name }, body });
  }
  listAppPins(name: string) {
    return this.call(OPERATIONS.listAppPins, { params: { name } });
  }

  // rollouts
  listRollouts(query: QueryOf<Ops['listRollouts']> = {}) {
    return this.call(OPERATIONS.listRollouts, { query });
  }
  getRollout(id: number) {
    return this.call(OPERATIONS.getRollout, { params: { id } });
  }
  pauseRollout(id: number, body: BodyOf<Ops['pauseRollout']> = {}) {
    return this.call(OPERATIONS.pauseRollout, { params: { id }, body });
  }
  resumeRollout(id: number, body: BodyOf<Ops['resumeRollout']> = {}) {
    return this.call(OPERATIONS.resumeRollout, { params: { id }, body });
  }
  abortRollout(id: number, body: BodyOf<Ops['abortRollout']> = {}) {
    return this.call(OPERATIONS.abortRollout, { params: { id }, body });
  }

  // drift, audit, tokens, probes
  listDrift(query: QueryOf<Ops['listDrift']> = {}) {
    return this.call(OPERATIONS.listDrift, { query });
  }
  listAuditEvents(query: QueryOf<Ops['listAuditEvents']> = {}) {
    return this.call(OPERATIONS.listAuditEvents, { query });
  }
  createApiToken(body: BodyOf<Ops['createApiToken']>) {
    return this.call(OPERATIONS.createApiToken, { body });
  }
  listApiTokens(query: QueryOf<Ops['listApiTokens']> = {}) {
    return this.call(OPERATIONS.listApiTokens, { query });
  }
  getApiToken(name: string) {
    return this.call(OPERATIONS.getApiToken, { params: { name } });
  }
  deleteApiToken(name: string) {
    return this.call(OPERATIONS.deleteApiToken, { params: { name } });
  }
  whoAmI() {
    return this.call(OPERATIONS.whoAmI);
  }

  /**
   * GET /api/v1/events: the live feed, one connection. Yields a snapshot (unless `cursor` resumes) and then events as
   * they happen, until the hub closes the stream or `signal` aborts; reconnecting with the last event's cursor
   * catches up exactly. Streamed over fetch, so the token goes in a header, never in the URL.
   */
  /**
   * Follows GET /api/v1/events from `cursor` (or from a fresh snapshot). `onOpen` is called once the hub has accepted
   * the stream, before any event: a resume with nothing missed sends no event, yet the feed is live.
   */
  async *watchEvents(options: { cursor?: string; signal?: AbortSignal; onOpen?: () => void } = {}): AsyncGenerator<FleetEventView> {
    const url = new URL(this.url + OPERATIONS.watchEvents.path);
    if (options.cursor) url.searchParams.set('cursor', options.cursor);
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: options.signal ?? null });
    } catch (cause) {
      throw this.mapError(toUnreachable(this.url, cause));
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      throw this.mapError(parseErrorAnswer('GET', OPERATIONS.watchEvents.path, response.status, text));
    }
    options.onOpen?.();
    try {
      for await (const event of parseServerSentEvents(response.body)) {
        const parsed = fleetEventViewSchema.safeParse(JSON.parse(event.data));
        if (parsed.success) yield parsed.data;
      }
    } catch (cause) {
      if (options.signal?.aborted) return;
      throw this.mapError(toUnreachable(this.url, cause));
    }
  }

  getLiveness() {
    return this.call(OPERATIONS.getLiveness);
  }
  getReadiness() {
    return this.call(OPERATIONS.getReadiness);
  }

  /** Calls one operation: fills in its path, sends query and body, and resolves to its answer. */
  async call<O extends OperationSpec>(operation: O, input: CallInput = {}): Promise<ResponseOf<O>> {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(input.params?.[name] ?? '')));
    return (await this.request(operation.method, path, input)) as ResponseOf<O>;
  }

  /** One call by method and path (for routes this client does not name); resolves to the parsed JSON (undefined for 204). */
  async request(method: string, path: string, input: Omit<CallInput, 'params'> = {}): Promise<unknown> {
    const url = new URL(this.url + path);
    for (const [key, value] of Object.entries(input.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (input.body instanceof RawBody) {
      Object.assign(headers, { 'content-type': 'application/json' }, input.body.headers);
      body = input.body.text;
    } else if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input.body);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: input.signal ? AbortSignal.any([input.signal, timeout]) : timeout });
    } catch (cause) {
      throw this.mapError(toUnreachable(this.url, cause));
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return text === '' ? undefined : JSON.parse(text);
    throw this.mapError(parseErrorAnswer(method, path, response.status, text));
  }
}

/** A body sent as given, with its own headers (webhooks are signed over the exact bytes). */
class RawBody {
  constructor(
    readonly text: string,
    readonly headers: Record<string, string>,
  ) {}
}

function toUnreachable(url: string, cause: unknown): HubUnreachableError {
  const error = cause as Error & { cause?: { code?: string; message?: string } };
  const isTimeout = error?.name === 'TimeoutError';
  const reason = isTimeout ? 'timeout' : (error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(cause));
  return new HubUnreachableError(url, reason, isTimeout, { cause });
}
