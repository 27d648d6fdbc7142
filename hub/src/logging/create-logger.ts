import { type LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** A JSON-lines logger (pino) for the hub; fixed fields such as `cluster`, `app`, `revision` go in bindings. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { component: 'hub' }, timestamp: pino.stdTimeFunctions.isoTime });
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
