import { AgentMessage } from '@flotilla/proto';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from './outbox.js';
import { OutboxJournal, type OutboxStorage, type StoredOutbox } from './outbox-journal.js';

const status = (id: string): AgentMessage => AgentMessage.fromPartial({ status: { reportId: id, app: 'web', generation: 1 } });
const idsOf = (stored: StoredOutbox | undefined) => stored?.messages.map((bytes) => AgentMessage.decode(bytes).status?.reportId);

/** Storage in memory that records each write (the real one, a Secret, is tested in state/outbox-store.int.test.ts). */
function memoryStorage(initial: StoredOutbox = { messages: [], dropped: 0 }): OutboxStorage & { writes: StoredOutbox[] } {
  const writes: StoredOutbox[] = [];
  return {
    writes,
    load: async () => initial,
    save: async (outbox) => void writes.push(outbox),
  };
}

describe('OutboxJournal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a burst of changes once, after the delay, and not again while nothing changed', async () => {
    vi.useFakeTimers();
    const outbox = new Outbox();
    const storage = memoryStorage();
    const journal = new OutboxJournal(outbox, storage, pino({ level: 'silent' }), 1_000);
    await journal.restore();
    for (const id of ['a', 'b', 'c']) {
      outbox.push(status(id));
      journal.schedule();
    }
    expect(storage.writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(storage.writes.map(idsOf)).toEqual([['a', 'b', 'c']]);
    journal.schedule();
    await vi.advanceTimersByTimeAsync(1_000);
    await journal.flush();
    expect(storage.writes).toHaveLength(1);
  });

  it('writes nothing when the hub confirms within the delay', async () => {
    vi.useFakeTimers();
    const outbox = new Outbox();
    const storage = memoryStorage();
    const journal = new OutboxJournal(outbox, storage, pino({ level: 'silent' }), 1_000);
    await journal.restore();
    outbox.sent(status('a'));
    journal.schedule();
    outbox.acknowledge(outbox.newest);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(storage.writes).toHaveLength(0);
  });

  it('restores what a previous run kept, oldest first, and writes the confirmation of it', async () => {
    const outbox = new Outbox();
    const previous = { messages: ['x', 'y'].map((id) => AgentMessage.encode(status(id)).finish()), dropped: 4 };
    const storage = memoryStorage(previous);
    const journal = new OutboxJournal(outbox, storage, pino({ level: 'silent' }), 1_000);
    expect((await journal.restore()).messages).toHaveLength(2);
    expect(outbox.drain().map((m) => m.status?.reportId)).toEqual(['x', 'y']);
    expect(outbox.droppedCount).toBe(4);
    outbox.acknowledge(outbox.newest);
    await journal.flush();
    expect(storage.writes).toEqual([{ messages: [], dropped: 4 }]);
  });

  it('tries a failed write again', async () => {
    vi.useFakeTimers();
    const outbox = new Outbox();
    let failures = 1;
    const writes: StoredOutbox[] = [];
    const journal = new OutboxJournal(
      outbox,
      {
        load: async () => ({ messages: [], dropped: 0 }),
        save: async (stored) => {
          if (failures-- > 0) throw new Error('the API server is away');
          writes.push(stored);
        },
      },
      pino({ level: 'silent' }),
      1_000,
    );
    await journal.restore();
    outbox.push(status('a'));
    journal.schedule();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(writes.map(idsOf)).toEqual([['a']]);
  });
});
