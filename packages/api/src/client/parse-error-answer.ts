import { API_ERROR_CODES, type ApiErrorCode, errorBodySchema } from '../common/error-body.js';
import { HubApiError } from './hub-api-error.js';

/** Turns an error answer (status and text) into a HubApiError, reading the one error shape when it is there. */
export function parseErrorAnswer(method: string, path: string, status: number, text: string): HubApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new HubApiError({ status, code, message, details, method, path, isErrorBody: true });
  }
  // An error shape with a code this client does not know yet still says what failed.
  const loose = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = API_ERROR_CODES.includes(loose?.code as ApiErrorCode) ? (loose?.code as ApiErrorCode) : 'INTERNAL';
  const message = typeof loose?.message === 'string' ? loose.message : text.trim().slice(0, 200) || `HTTP ${status}`;
  const details = loose?.details && typeof loose.details === 'object' ? (loose.details as Record<string, unknown>) : undefined;
  return new HubApiError({ status, code, message, details, method, path, isErrorBody: loose !== undefined && typeof loose.message === 'string' });
}
