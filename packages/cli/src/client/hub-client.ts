import { HubApiClient, HubApiError, type HubUnreachableError } from '@flotilla/api';
import { CliError } from '../errors/cli-error.js';

/** Where the hub is and who is asking. */
export interface HubClientOptions {
  /** Base URL of the REST API, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** An API token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

const ROUTE_NOT_FOUND = /^Cannot (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /;

/**
 * @flotilla/api's client with every failure turned into a CliError that says what to do: an unreachable hub (exit 3),
 * a refused token (4), an unknown name or a route this hub does not have (5; drift and rollouts arrived in later hubs).
 */
export class HubClient extends HubApiClient {
  constructor(options: HubClientOptions) {
    const url = options.url.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? 30_000;
    super({ ...options, timeoutMs, mapError: (error) => toCliError(error, { url, timeoutMs, hasToken: Boolean(options.token) }) });
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
}

function toCliError(error: HubApiError | HubUnreachableError, hub: { url: string; timeoutMs: number; hasToken: boolean }): CliError {
  if (!(error instanceof HubApiError)) {
    if (error.isTimeout) return new CliError('HUB_UNREACHABLE', `the hub at ${hub.url} did not answer within ${hub.timeoutMs / 1000} s`, { url: hub.url }, { cause: error.cause });
    return new CliError(
      'HUB_UNREACHABLE',
      `cannot reach the hub at ${hub.url} (${error.reason}); is it running? Point to it with --hub or FLOTILLA_HUB_URL`,
      { url: hub.url },
      { cause: error.cause },
    );
  }
  const { status, method, path, message, details } = error;
  const data = { status, method, path, hubCode: error.isErrorBody ? error.code : undefined, details };
  if (status === 401) {
    const hint = hub.hasToken ? 'the token was refused; check it, or get a new one' : 'the hub wants a token: pass --token or set FLOTILLA_API_TOKEN';
    return new CliError('UNAUTHENTICATED', `${hint} (${message})`, data);
  }
  if (status === 403) return new CliError('PERMISSION_DENIED', `the token may not ${method} ${path}: ${message}`, data);
  if (status === 404 && ROUTE_NOT_FOUND.test(message) && !details) {
    return new CliError('UNSUPPORTED', `this hub does not serve ${method} ${path.split('?')[0]}; it is older than the feature (upgrade the hub)`, data);
  }
  if (status === 404) return new CliError('NOT_FOUND', message, data);
  return new CliError('HUB_ERROR', `${message}${describeFieldErrors(details)}`, data);
}

/** `fields: [{ field, message }]` of a validation error, one per line, when the message does not already say it. */
function describeFieldErrors(details: Record<string, unknown> | undefined): string {
  const fields = details?.fields;
  if (!Array.isArray(fields) || fields.length <= 1) return '';
  return fields.map((f: { field?: string; message?: string }) => `\n  ${f.field ?? '?'}: ${f.message ?? ''}`).join('');
}
