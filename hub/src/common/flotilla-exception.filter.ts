import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type ErrorCode, FlotillaError } from '@flotilla/core';
import type { Response } from 'express';
import type { ErrorBody } from '@flotilla/api';
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

/** Turns every error of a REST call into `{ error: { code, message, details } }` with the mapped status. */
@Catch()
export class FlotillaExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
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

/** The Express adapter wraps body-parser errors (malformed JSON, too large) in HttpExceptions; say what they mean. */
function describeHttpException(exception: HttpException): string {
  const cause = exception.cause as { type?: string; limit?: number } | undefined;
  if (cause?.type === 'entity.parse.failed') return `request body is not valid JSON: ${exception.message}`;
  if (cause?.type === 'entity.too.large') return `request body is larger than the limit of ${cause.limit} bytes`;
  return exception.message;
}
