import { CliError } from '../errors/cli-error.js';
import type {
  AppStatusResponse,
  AppView,
  ClusterView,
  CreateAppRequest,
  CreatedCluster,
  ErrorBody,
  HistoryView,
  ListResponse,
  LooseItem,
  SourceView,
} from './hub-api.js';

/** Where the hub is and who is asking. */
export interface HubClientOptions {
  /** Base URL of the REST API, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** An API token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;

const ROUTE_NOT_FOUND = /^Cannot (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /;

/**
 * The hub's REST API (/api/v1), with every failure turned into a CliError that says what to do: an unreachable hub,
 * a refused token, an unknown name, or a route this hub does not have (drift and rollouts arrived in later hubs).
 */
export class HubClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: HubClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** One call; resolves to the parsed JSON answer (undefined for 204). */
  async request<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}): Promise<T> {
    const url = new URL(this.url + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw this.unreachable(cause);
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
    throw this.toError(method, path, response.status, text);
  }

  /** Whether this hub serves `GET path` at all (as opposed to answering 404 for the route itself). */
  async supports(path: string): Promise<boolean> {
    try {
      await this.request('GET', path, { query: { limit: 1 } });
      return true;
    } catch (error) {
      if (CliError.is(error, 'UNSUPPORTED')) return false;
      // Any other answer (an unknown name, a refused token) means the route exists.
      if (CliError.is(error, 'HUB_UNREACHABLE')) throw error;
      return true;
    }
  }

  listClusters(selector?: string): Promise<ListResponse<ClusterView>> {
    return this.request('GET', '/api/v1/clusters', { query: { selector, limit: 1000 } });
  }
  getCluster(name: string): Promise<ClusterView> {
    return this.request('GET', `/api/v1/clusters/${encodeURIComponent(name)}`);
  }
  createCluster(name: string, labels: Record<string, string>): Promise<CreatedCluster> {
    return this.request('POST', '/api/v1/clusters', { body: { name, labels } });
  }
  labelCluster(name: string, labels: Record<string, string>): Promise<ClusterView> {
    return this.request('PATCH', `/api/v1/clusters/${encodeURIComponent(name)}`, { body: { labels } });
  }
  deleteCluster(name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/clusters/${encodeURIComponent(name)}`);
  }
  clusterStatus(name: string): Promise<{ cluster: string; items: AppStatusResponse['items'] }> {
    return this.request('GET', `/api/v1/clusters/${encodeURIComponent(name)}/status`);
  }

  listSources(): Promise<ListResponse<SourceView>> {
    return this.request('GET', '/api/v1/sources', { query: { limit: 1000 } });
  }
  getSource(name: string): Promise<SourceView> {
    return this.request('GET', `/api/v1/sources/${encodeURIComponent(name)}`);
  }
  createSource(body: { name: string; url: string; ref?: string; pollIntervalSeconds?: number; webhookSecret?: string }): Promise<SourceView> {
    return this.request('POST', '/api/v1/sources', { body });
  }
  refreshSource(name: string): Promise<SourceView & { changed: boolean }> {
    return this.request('POST', `/api/v1/sources/${encodeURIComponent(name)}/refresh`);
  }
  deleteSource(name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/sources/${encodeURIComponent(name)}`);
  }
  sourceRevisions(name: string): Promise<ListResponse<{ revision: string; commit: string; trigger: string; createdAt: string }>> {
    return this.request('GET', `/api/v1/sources/${encodeURIComponent(name)}/revisions`);
  }

  listApps(): Promise<ListResponse<AppView>> {
    return this.request('GET', '/api/v1/apps', { query: { limit: 1000 } });
  }
  getApp(name: string): Promise<AppView> {
    return this.request('GET', `/api/v1/apps/${encodeURIComponent(name)}`);
  }
  createApp(body: CreateAppRequest): Promise<AppView> {
    return this.request('POST', '/api/v1/apps', { body });
  }
  deleteApp(name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/apps/${encodeURIComponent(name)}`);
  }
  appStatus(name: string): Promise<AppStatusResponse> {
    return this.request('GET', `/api/v1/apps/${encodeURIComponent(name)}/status`);
  }
  appHistory(name: string, cluster?: string): Promise<ListResponse<HistoryView>> {
    return this.request('GET', `/api/v1/apps/${encodeURIComponent(name)}/history`, { query: { cluster } });
  }

  /** GET /api/v1/drift (hubs with drift detection). */
  listDrift(query: { app?: string; cluster?: string }): Promise<ListResponse<LooseItem>> {
    return this.request('GET', '/api/v1/drift', { query });
  }
  /** GET /api/v1/rollouts (hubs with rollouts). */
  listRollouts(query: { app?: string; state?: string }): Promise<ListResponse<LooseItem>> {
    return this.request('GET', '/api/v1/rollouts', { query });
  }
  /** GET /api/v1/rollouts/{id} (hubs with rollouts). */
  getRollout(id: string): Promise<LooseItem> {
    return this.request('GET', `/api/v1/rollouts/${encodeURIComponent(id)}`);
  }
  /** POST /api/v1/apps/{app}/rollback (hubs with rollouts): back to `revision`, or to the last healthy one. */
  rollback(app: string, body: { revision?: string; clusters?: string[] }): Promise<LooseItem | undefined> {
    return this.request('POST', `/api/v1/apps/${encodeURIComponent(app)}/rollback`, { body });
  }

  // --- Operations added for the CLI's newer verbs (issue 14), until the typed client of @flotilla/api replaces this class.

  /** PATCH /api/v1/apps/{name}: fields given replace the stored ones (policy fields merge). */
  updateApp(name: string, body: Partial<Omit<CreateAppRequest, 'name'>>): Promise<AppView> {
    return this.request('PATCH', `/api/v1/apps/${encodeURIComponent(name)}`, { body });
  }
  /** GET /api/v1/apps/{app}/pins: clusters of an app pinned at a revision. */
  listPins(app: string): Promise<{ app: string; items: LooseItem[] }> {
    return this.request('GET', `/api/v1/apps/${encodeURIComponent(app)}/pins`);
  }
  /** POST /api/v1/apps/{app}/unpin: pinned clusters follow the app's branch again. */
  unpin(app: string, body: { cluster?: string; clusters?: string[] }): Promise<{ app: string; unpinned: string[] }> {
    return this.request('POST', `/api/v1/apps/${encodeURIComponent(app)}/unpin`, { body });
  }
  /** POST /api/v1/rollouts/{id}/pause, /resume or /abort. */
  actOnRollout(id: string, action: 'pause' | 'resume' | 'abort', reason?: string): Promise<LooseItem> {
    return this.request('POST', `/api/v1/rollouts/${encodeURIComponent(id)}/${action}`, { body: reason ? { reason } : {} });
  }
  /** PATCH /api/v1/sources/{name}. */
  updateSource(name: string, body: { url?: string; ref?: string; pollIntervalSeconds?: number }): Promise<SourceView> {
    return this.request('PATCH', `/api/v1/sources/${encodeURIComponent(name)}`, { body });
  }
  /** POST /api/v1/clusters/{name}/join-token: a new one-time join token. */
  issueJoinToken(name: string): Promise<{ cluster: string; joinToken: string; expiresAt: string; issuedBy: string }> {
    return this.request('POST', `/api/v1/clusters/${encodeURIComponent(name)}/join-token`);
  }
  /** POST /api/v1/clusters/{name}/credential/rotate. */
  rotateCredential(name: string): Promise<{ cluster: string; previousExpiresAt: string }> {
    return this.request('POST', `/api/v1/clusters/${encodeURIComponent(name)}/credential/rotate`);
  }
  /** DELETE /api/v1/clusters/{name}/credential. */
  revokeCredential(name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/clusters/${encodeURIComponent(name)}/credential`);
  }
  /** GET /api/v1/tokens. */
  listTokens(): Promise<ListResponse<LooseItem>> {
    return this.request('GET', '/api/v1/tokens', { query: { limit: 1000 } });
  }
  /** GET /api/v1/tokens/{name}. */
  getToken(name: string): Promise<LooseItem> {
    return this.request('GET', `/api/v1/tokens/${encodeURIComponent(name)}`);
  }
  /** POST /api/v1/tokens: the answer holds the token, shown only this once. */
  createToken(body: { name: string; role: string; expiresAt?: string }): Promise<LooseItem & { token: string }> {
    return this.request('POST', '/api/v1/tokens', { body });
  }
  /** DELETE /api/v1/tokens/{name}. */
  revokeToken(name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/tokens/${encodeURIComponent(name)}`);
  }
  /** GET /api/v1/audit, newest first. */
  listAudit(query: { actor?: string; action?: string; target?: string; limit?: number }): Promise<ListResponse<LooseItem>> {
    return this.request('GET', '/api/v1/audit', { query });
  }

  private unreachable(cause: unknown): CliError {
    const error = cause as Error & { cause?: { code?: string; message?: string } };
    if (error?.name === 'TimeoutError') {
      return new CliError('HUB_UNREACHABLE', `the hub at ${this.url} did not answer within ${this.timeoutMs / 1000} s`, { url: this.url }, { cause });
    }
    const reason = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(cause);
    return new CliError(
      'HUB_UNREACHABLE',
      `cannot reach the hub at ${this.url} (${reason}); is it running? Point to it with --hub or FLOTILLA_HUB_URL`,
      { url: this.url },
      { cause },
    );
  }

  private toError(method: string, path: string, status: number, text: string): CliError {
    let body: ErrorBody | undefined;
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      body = undefined;
    }
    const message = body?.error?.message ?? (text.trim().slice(0, 200) || `HTTP ${status}`);
    const data = { status, method, path, hubCode: body?.error?.code, details: body?.error?.details };
    if (status === 401) {
      const hint = this.token ? 'the token was refused; check it, or get a new one' : 'the hub wants a token: pass --token or set FLOTILLA_API_TOKEN';
      return new CliError('UNAUTHENTICATED', `${hint} (${message})`, data);
    }
    if (status === 403) return new CliError('PERMISSION_DENIED', `the token may not ${method} ${path}: ${message}`, data);
    if (status === 404 && ROUTE_NOT_FOUND.test(message) && !body?.error?.details) {
      return new CliError('UNSUPPORTED', `this hub does not serve ${method} ${path.split('?')[0]}; it is older than the feature (upgrade the hub)`, data);
    }
    if (status === 404) return new CliError('NOT_FOUND', message, data);
    const details = describeFieldErrors(body?.error?.details);
    return new CliError('HUB_ERROR', `${message}${details}`, data);
  }
}

/** `fields: [{ field, message }]` of a validation error, one per line, when the message does not already say it. */
function describeFieldErrors(details: Record<string, unknown> | undefined): string {
  const fields = details?.fields;
  if (!Array.isArray(fields) || fields.length <= 1) return '';
  return fields.map((f: { field?: string; message?: string }) => `\n  ${f.field ?? '?'}: ${f.message ?? ''}`).join('');
}
