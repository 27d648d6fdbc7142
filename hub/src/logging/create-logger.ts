import { type LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Fields that hold secrets, wherever they appear in a log object: censored as a second line of defence. */
export const REDACTED_FIELDS = ['password', 'credentials', 'credential', 'authorization', 'token', 'joinToken', 'webhookSecret', 'secretKey', 'adminToken'];

/** A JSON-lines logger (pino) for the hub; fixed fields such as `cluster`, `app`, `revision` go in bindings. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const redact = { paths: REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.headers.${field}`]), censor: '[redacted]' };
  return pino({ level, base: { component: 'hub' }, timestamp: pino.stdTimeFunctions.isoTime, redact }, destination);
}

/** Routes NestJS's own log calls into the pino logger, with the Nest context as a field. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
