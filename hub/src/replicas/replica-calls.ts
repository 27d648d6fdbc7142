import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type ErrorCode, FlotillaError } from '@flotilla/core';
import type { Subscription } from 'rxjs';
import { EventLog } from './event-log.js';

/** How long a caller waits for the replica it called. */
export const REPLICA_CALL_TIMEOUT_MS = 10_000;

const CALL_TOPIC = 'replica-call';
const REPLY_TOPIC = 'replica-reply';

interface CallPayload {
  id: string;
  /** The calling replica, to which the reply goes. */
  from: string;
  to: string;
  method: string;
  args: unknown;
}

interface ReplyPayload {
  id: string;
  to: string;
  result?: unknown;
  error?: { code: ErrorCode; message: string; data: Record<string, unknown> };
}

type Handler = (args: never) => Promise<unknown>;

/**
 * Asks another replica to do what only it can: send a message over an agent stream it holds. Calls and replies travel
 * through the fleet event log, so no replica needs another's address; a FlotillaError thrown by the handler comes back
 * to the caller as it was. Handlers receive and return JSON values, and nothing secret (the log is a table).
 */
@Injectable()
export class ReplicaCalls implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('replicas');
  private readonly handlers = new Map<string, Handler>();
  private readonly waiting = new Map<string, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private subscriptions: Subscription[] = [];

  constructor(private readonly log: EventLog) {}

  onApplicationBootstrap(): void {
    this.subscriptions.push(
      this.log.topic<CallPayload>(CALL_TOPIC).subscribe(({ payload }) => {
        if (payload.to === this.log.origin) void this.answer(payload);
      }),
      this.log.topic<ReplyPayload>(REPLY_TOPIC).subscribe(({ payload }) => {
        if (payload.to === this.log.origin) this.settle(payload);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const [id, call] of this.waiting) {
      clearTimeout(call.timer);
      call.reject(new FlotillaError('UNAVAILABLE', 'this hub replica is shutting down'));
      this.waiting.delete(id);
    }
  }

  /** This replica's id. */
  get replica(): string {
    return this.log.origin;
  }

  /** Serves `method` on this replica for the others. */
  handle<A, R>(method: string, handler: (args: A) => Promise<R>): void {
    this.handlers.set(method, handler as Handler);
  }

  /** Calls `method` on replica `to`; UNAVAILABLE when it does not answer within REPLICA_CALL_TIMEOUT_MS. */
  call<R>(to: string, method: string, args: unknown): Promise<R> {
    const id = randomUUID();
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new FlotillaError('UNAVAILABLE', `hub replica ${to} did not answer within ${REPLICA_CALL_TIMEOUT_MS / 1000} s (${method}); retry`, { data: { replica: to } }));
      }, REPLICA_CALL_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.log.append({ topic: CALL_TOPIC, payload: { id, from: this.log.origin, to, method, args } satisfies CallPayload }).catch((error: Error) => this.settle({ id, to: this.log.origin, error: { code: 'UNAVAILABLE', message: error.message, data: {} } }));
    });
  }

  private async answer(call: CallPayload): Promise<void> {
    const handler = this.handlers.get(call.method);
    let reply: ReplyPayload;
    try {
      if (!handler) throw new FlotillaError('INTERNAL', `this hub replica does not serve "${call.method}" (a different version?)`);
      reply = { id: call.id, to: call.from, result: (await handler(call.args as never)) ?? null };
    } catch (error) {
      const known = FlotillaError.is(error) ? error : new FlotillaError('INTERNAL', (error as Error).message);
      if (!FlotillaError.is(error)) this.logger.error({ msg: 'a call from another replica failed', method: call.method, error: known.message });
      reply = { id: call.id, to: call.from, error: { code: known.code, message: known.message, data: known.data } };
    }
    await this.log.append({ topic: REPLY_TOPIC, payload: reply });
  }

  private settle(reply: ReplyPayload): void {
    const call = this.waiting.get(reply.id);
    if (!call) return;
    this.waiting.delete(reply.id);
    clearTimeout(call.timer);
    if (reply.error) call.reject(new FlotillaError(reply.error.code, reply.error.message, { data: reply.error.data }));
    else call.resolve(reply.result);
  }
}
