import { type LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Fields that hold secrets, wherever they appear in a log object: censored as a second line of defence. */
export const REDACTED_FIELDS = ['password', 'credentials', 'credential', 'authorization', 'token', 'joinToken', 'webhookSecret', 'secretKey', 'adminToken'];

/** A JSON-lines logger (pino) for the hub; fixed fields such as `cluster`, `app`, `revision` go in bindings. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const redact = { paths: REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.headers.${field}`]), censor: '[redacted]' };
  return pino({ level, base: { component: 'hub' }, timestamp: pino.stdTimeFunctions.isoTime, redact }, destination);
}

/** A log line with fixed fields (`cluster`, `app`, `generation`, `revision`, …) beside its message. */
export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

/**
 * Routes NestJS's log calls into the pino logger, with the Nest context as a field. A message given as a LogLine
 * (`logger.log({ msg: 'agent connected', cluster })`) keeps its fields as JSON fields, not inside the text.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, { context });
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, { context, trace });
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, { context });
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, { context });
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, { context });
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, fields: Record<string, unknown>): void {
    if (isLogLine(message)) {
      const { msg, ...rest } = message;
      this.logger[level]({ ...fields, ...rest }, msg);
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

function isLogLine(message: unknown): message is LogLine {
  return typeof message === 'object' && message !== null && !(message instanceof Error) && typeof (message as { msg?: unknown }).msg === 'string';
}
