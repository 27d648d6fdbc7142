import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '@flotilla/proto';
import { Outbox } from './outbox.js';

const status = (id: string): AgentMessage => ({ status: { reportId: id } as AgentMessage['status'] });
const ack = (app: string, generation: number): AgentMessage => ({ ack: { app, generation } });

describe('Outbox', () => {
  it('keeps messages in order until drained', () => {
    const outbox = new Outbox();
    outbox.push(status('a'));
    outbox.push(ack('web', 1));
    expect(outbox.drain()).toEqual([status('a'), ack('web', 1)]);
    expect(outbox.size).toBe(0);
  });

  it('keeps only the latest ack of an app', () => {
    const outbox = new Outbox();
    outbox.push(ack('web', 1));
    outbox.push(ack('api', 1));
    outbox.push(ack('web', 2));
    expect(outbox.drain()).toEqual([ack('api', 1), ack('web', 2)]);
  });

  it('drops the oldest status report first when full, and counts what it dropped', () => {
    const outbox = new Outbox(3);
    outbox.push(ack('web', 1));
    outbox.push(status('1'));
    outbox.push(status('2'));
    outbox.push(status('3'));
    expect(outbox.drain()).toEqual([ack('web', 1), status('2'), status('3')]);
    expect(outbox.droppedCount).toBe(1);
  });
});
