import type { AgentMessage } from '@flotilla/proto';

/** A message for the hub and its place in the order of everything the agent sent. */
export interface OutboxEntry {
  /** Increases by one per message the outbox takes. */
  number: number;
  message: AgentMessage;
}

/**
 * Messages for the hub until the hub has handled them: those waiting while it is unreachable, and those written on the
 * stream but not yet confirmed (a stream can die with messages in it). Bounded: past `limit`, the oldest status report
 * goes first (a newer report of the same App says more), and acks keep only the latest generation per App; what is
 * dropped is counted.
 */
export class Outbox {
  /** Written on the stream, oldest first, until acknowledged. */
  private unconfirmed: OutboxEntry[] = [];
  /** Waiting for the hub, oldest first. */
  private waiting: OutboxEntry[] = [];
  private dropped = 0;
  /** Dropped messages the hub has not been told of (in a hello it answered). */
  private unreported = 0;
  private lastNumber = 0;

  constructor(private readonly limit = 1000) {}

  /** Queues a message until the next connect. */
  push(message: AgentMessage): void {
    this.waiting = this.withoutOlderAck(this.waiting, message);
    this.waiting.push({ number: ++this.lastNumber, message });
    this.trim();
  }

  /** Records a message written on the stream; it stays until acknowledge() covers it. */
  sent(message: AgentMessage): void {
    this.unconfirmed.push({ number: ++this.lastNumber, message });
    this.trim();
  }

  /** Takes every waiting message, oldest first, to be written on the stream; they stay until acknowledged. */
  drain(): AgentMessage[] {
    const entries = this.waiting;
    this.waiting = [];
    this.unconfirmed.push(...entries);
    return entries.map((entry) => entry.message);
  }

  /** The hub has handled every message up to this number: they are done. */
  acknowledge(upTo: number): void {
    this.unconfirmed = this.unconfirmed.filter((entry) => entry.number > upTo);
  }

  /** The stream died: what it did not confirm waits again, before anything queued since, to be sent on the next connect. */
  requeueUnconfirmed(): void {
    this.waiting = [...this.unconfirmed, ...this.waiting];
    this.unconfirmed = [];
  }

  /** Everything not yet confirmed by the hub, oldest first: what a restarted agent must still send. */
  entries(): OutboxEntry[] {
    return [...this.unconfirmed, ...this.waiting];
  }

  /** Puts back what a previous run of the agent had not delivered, before anything queued since, and the drops it had not reported. */
  restore(messages: AgentMessage[], dropped: number): void {
    this.waiting = [...messages.map((message) => ({ number: ++this.lastNumber, message })), ...this.waiting];
    this.dropped += dropped;
    this.unreported += dropped;
    this.trim();
  }

  /** The hub answered a hello that told it of this many drops. */
  dropsReported(count: number): void {
    this.unreported = Math.max(0, this.unreported - count);
  }

  /** The number of the newest message taken. */
  get newest(): number {
    return this.lastNumber;
  }

  /** Messages waiting for the next connect. */
  get size(): number {
    return this.waiting.length;
  }

  /** Messages dropped because the outbox was full since the agent started, with those a previous run had not reported. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Messages dropped that the hub has not been told of yet. */
  get unreportedDrops(): number {
    return this.unreported;
  }

  private withoutOlderAck(entries: OutboxEntry[], message: AgentMessage): OutboxEntry[] {
    if (!message.ack) return entries;
    const app = message.ack.app;
    return entries.filter((entry) => entry.message.ack?.app !== app);
  }

  private trim(): void {
    while (this.unconfirmed.length + this.waiting.length > this.limit) {
      const index = this.waiting.findIndex((entry) => entry.message.status !== undefined);
      if (index >= 0) this.waiting.splice(index, 1);
      else if (this.waiting.length > 0) this.waiting.shift();
      else this.unconfirmed.shift();
      this.dropped++;
      this.unreported++;
    }
  }
}
