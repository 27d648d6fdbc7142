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

describe('Outbox until the hub confirms', () => {
  it('keeps what was written on the stream until a confirmation covers it', () => {
    const outbox = new Outbox();
    outbox.sent(status('a'));
    const upToA = outbox.newest;
    outbox.sent(status('b'));
    expect(outbox.entries().map((e) => e.message)).toEqual([status('a'), status('b')]);
    outbox.acknowledge(upToA);
    expect(outbox.entries().map((e) => e.message)).toEqual([status('b')]);
    expect(outbox.size).toBe(0);
  });

  it('sends again, first, what a dying stream did not confirm', () => {
    const outbox = new Outbox();
    outbox.push(status('queued-1'));
    outbox.drain();
    outbox.sent(status('sent-1'));
    outbox.requeueUnconfirmed();
    outbox.push(status('queued-2'));
    expect(outbox.drain()).toEqual([status('queued-1'), status('sent-1'), status('queued-2')]);
  });

  it('puts back what a previous run kept before what this run queued, with its drop count', () => {
    const outbox = new Outbox(3);
    outbox.push(status('new'));
    outbox.restore([status('old-1'), status('old-2'), status('old-3')], 5);
    expect(outbox.drain()).toEqual([status('old-2'), status('old-3'), status('new')]);
    expect(outbox.droppedCount).toBe(6);
  });

  it('counts unconfirmed messages against its limit', () => {
    const outbox = new Outbox(2);
    outbox.sent(status('sent'));
    outbox.push(status('1'));
    outbox.push(status('2'));
    expect(outbox.entries().map((e) => e.message)).toEqual([status('sent'), status('2')]);
    expect(outbox.droppedCount).toBe(1);
  });

  it('counts drops until a hello that told the hub of them is answered, across a restart', () => {
    const outbox = new Outbox(10);
    for (let i = 0; i < 12; i++) outbox.push(status(String(i)));
    expect([outbox.droppedCount, outbox.unreportedDrops]).toEqual([2, 2]);
    const restarted = new Outbox(10);
    restarted.restore([], outbox.unreportedDrops);
    restarted.dropsReported(2);
    expect([restarted.droppedCount, restarted.unreportedDrops]).toEqual([2, 0]);
  });
});
