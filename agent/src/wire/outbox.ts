import type { AgentMessage } from '@flotilla/proto';

/**
 * Messages for the hub that wait while it is unreachable. Bounded: past `limit`, the oldest status report goes first
 * (a newer report of the same App says more), and acks keep only the latest generation per App.
 */
export class Outbox {
  private messages: AgentMessage[] = [];
  private dropped = 0;

  constructor(private readonly limit = 1000) {}

  /** Queues a message. */
  push(message: AgentMessage): void {
    if (message.ack) {
      const app = message.ack.app;
      this.messages = this.messages.filter((m) => m.ack?.app !== app);
    }
    this.messages.push(message);
    while (this.messages.length > this.limit) {
      const index = this.messages.findIndex((m) => m.status !== undefined);
      this.messages.splice(index < 0 ? 0 : index, 1);
      this.dropped++;
    }
  }

  /** Takes every queued message, oldest first. */
  drain(): AgentMessage[] {
    const messages = this.messages;
    this.messages = [];
    return messages;
  }

  /** Puts messages back at the front (they could not be sent after all). */
  restore(messages: AgentMessage[]): void {
    this.messages = [...messages, ...this.messages];
    while (this.messages.length > this.limit) {
      this.messages.shift();
      this.dropped++;
    }
  }

  get size(): number {
    return this.messages.length;
  }

  /** Messages dropped because the outbox was full. */
  get droppedCount(): number {
    return this.dropped;
  }
}
