import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type ErrorCode, FlotillaError } from '@flotilla/core';
import type { Response } from 'express';
import type { ErrorBody } from '@flotilla/api';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { ERROR_STATUS } from './error-status.js';

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'INVALID_ARGUMENT',
  409: 'CONFLICT',
  413: 'RESOURCE_EXHAUSTED',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
};

/** How long a client is asked to wait before retrying a call the database's absence failed. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Turns every error of a REST call into `{ error: { code, message, details } }` with the mapped status; a call that
 * failed because the database could not be reached is 503 UNAVAILABLE (`details.dependency: "database"`), not 500.
 */
@Catch()
export class FlotillaExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    if (isDatabaseUnavailable(exception)) {
      // The address and the driver's words stay in the log: callers learn what failed and when to retry.
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      response.setHeader('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      response.status(503).json(DATABASE_UNAVAILABLE);
      return;
    }
    const [status, body] = this.describe(exception);
    if (status >= 500) this.logger.error((exception as Error)?.stack ?? String(exception));
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, ErrorBody] {
    if (exception instanceof FlotillaError) {
      const details = Object.keys(exception.data).length > 0 ? exception.data : undefined;
      return [ERROR_STATUS[exception.code].http, { error: { code: exception.code, message: exception.message, details } }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return [status, { error: { code: HTTP_CODES[status] ?? 'INTERNAL', message: describeHttpException(exception) } }];
    }
    return [500, { error: { code: 'INTERNAL', message: 'internal error; see the hub log' } }];
  }
}

const DATABASE_UNAVAILABLE: ErrorBody = {
  error: {
    code: 'UNAVAILABLE',
    message: `the database is unavailable; the hub serves again as soon as it answers (retry in ${DATABASE_RETRY_AFTER_SECONDS} s)`,
    details: { dependency: 'database' },
  },
};

/** The Express adapter wraps body-parser errors (malformed JSON, too large) in HttpExceptions; say what they mean. */
function describeHttpException(exception: HttpException): string {
  const cause = exception.cause as { type?: string; limit?: number } | undefined;
  if (cause?.type === 'entity.parse.failed') return `request body is not valid JSON: ${exception.message}`;
  if (cause?.type === 'entity.too.large') return `request body is larger than the limit of ${cause.limit} bytes`;
  return exception.message;
}
