import { AgentMessage } from '@flotilla/proto';
import type { Logger } from 'pino';
import type { Outbox } from './outbox.js';

/** An outbox as kept across restarts: its messages in wire form, oldest first, and how many were dropped unreported. */
export interface StoredOutbox {
  messages: Uint8Array[];
  dropped: number;
}

/** Where the outbox is kept across restarts of the agent (its state namespace: state/outbox-store.ts). */
export interface OutboxStorage {
  load(): Promise<StoredOutbox>;
  /** Replaces what is kept; may keep fewer messages (the oldest dropped, and counted) to stay within its size. */
  save(outbox: StoredOutbox): Promise<void>;
}

/**
 * Writes an outbox through to its storage, in batches: a change schedules one write `delayMs` later, so a burst of
 * reports costs one write and sending a report never waits for the cluster. Only a changed outbox is written: while
 * the hub confirms what it receives within the delay, nothing is written at all.
 */
export class OutboxJournal {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private savedKey = '';

  constructor(
    private readonly outbox: Outbox,
    private readonly storage: OutboxStorage,
    private readonly logger: Logger,
    private readonly delayMs = 1_000,
  ) {}

  /** Puts what a previous run of the agent did not deliver back into the outbox; returns how many messages. */
  async restore(): Promise<StoredOutbox> {
    const stored = await this.storage.load();
    const messages = stored.messages.map((bytes) => AgentMessage.decode(bytes));
    this.outbox.restore(messages, stored.dropped);
    this.savedKey = this.keyOf();
    return stored;
  }

  /** The outbox changed: it is written once the delay has passed. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes the outbox now if it changed since the last write (on stop). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const key = this.keyOf();
    if (key === this.savedKey) return;
    const entries = this.outbox.entries();
    try {
      await this.storage.save({ messages: entries.map((entry) => AgentMessage.encode(entry.message).finish()), dropped: this.outbox.unreportedDrops });
      this.savedKey = key;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, messages: entries.length }, 'keeping the reports for the hub in the cluster failed; trying again');
      this.schedule();
    }
  }

  /** Which messages the outbox holds (numbers are unique and never reused) and its drop count. */
  private keyOf(): string {
    return `${this.outbox.unreportedDrops}:${this.outbox
      .entries()
      .map((entry) => entry.number)
      .join(',')}`;
  }
}
