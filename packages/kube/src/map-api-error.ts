import { FlotillaError, type ErrorCode } from '@flotilla/core';
import { KubeApiError } from './kube-api-error.js';

/** What was being done to which object, for the message: `Deployment/web/api dry-run failed: …`. */
export interface ApiErrorContext {
  /** The object id (formatObjectRef), or another subject such as `discovery`. */
  object: string;
  /** `dry-run`, `apply`, `get`, `delete`, … */
  verb: string;
}

/** What the API server said, read from a KubeApiError or a network error. */
export interface ApiErrorDetail {
  /** HTTP status, 0 when no response came back (connection refused, timeout). */
  status: number;
  /** The Status `reason` (`NotFound`, `Forbidden`, `Invalid`, `Conflict`, …), empty when none. */
  reason: string;
  message: string;
}

// Codes by HTTP status (0: no response); anything else is INTERNAL (5xx) or INVALID_ARGUMENT (4xx). Only 0, 429 and
// 502-504 mean the server could not be reached or asked to come back: UNAVAILABLE and RESOURCE_EXHAUSTED.
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  0: 'UNAVAILABLE',
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'CONFLICT',
  422: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'UNAVAILABLE',
};

/** Reads status, reason and message from a KubeApiError (a Status object as JSON, or any text) or any other error. */
export function readApiError(error: unknown): ApiErrorDetail {
  if (error instanceof KubeApiError) {
    const body = parseBody(error.body);
    const message = typeof body?.['message'] === 'string' && body['message'] !== '' ? body['message'] : describeBody(error.body, error.code);
    const reason = typeof body?.['reason'] === 'string' ? body['reason'] : '';
    return { status: error.code, reason, message };
  }
  if (error instanceof Error) {
    const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
    return { status: 0, reason: timedOut ? 'Timeout' : '', message: error.message };
  }
  return { status: 0, reason: '', message: String(error) };
}

/** The HTTP status of a KubeApiError (0 for anything else). */
export function httpStatusOf(error: unknown): number {
  return error instanceof KubeApiError ? error.code : 0;
}

/** Whether an error says the object (or its namespace, or its kind) does not exist. */
export function isNotFound(error: unknown): boolean {
  return httpStatusOf(error) === 404;
}

/**
 * Maps a failed API call to a FlotillaError whose message starts with the object id, as fluxcd/pkg ssa does:
 * `Deployment/web/api dry-run failed: <what the API server said>`. `data` carries object, verb, status and reason.
 */
export function mapApiError(error: unknown, context: ApiErrorContext): FlotillaError {
  if (FlotillaError.is(error)) return error;
  const detail = readApiError(error);
  const code = CODE_BY_STATUS[detail.status] ?? (detail.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  const what = detail.status === 0 ? `could not reach the API server: ${detail.message}` : detail.message;
  return new FlotillaError(code, `${context.object} ${context.verb} failed: ${what}`, {
    data: { object: context.object, verb: context.verb, status: detail.status, reason: detail.reason },
    cause: error,
  });
}

function parseBody(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describeBody(body: string, status: number): string {
  const text = body.trim();
  return text ? `HTTP ${status}: ${text.slice(0, 500)}` : `HTTP ${status}`;
}
