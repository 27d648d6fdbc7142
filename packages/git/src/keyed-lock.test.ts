import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('KeyedLock', () => {
  it('runs tasks of one key one at a time, in call order', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
    };
    await Promise.all([lock.run('a', task('1')), lock.run('a', task('2')), lock.run('a', task('3'))]);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets different keys run at the same time', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
    };
    await Promise.all([lock.run('a', task('a')), lock.run('b', task('b'))]);
    expect(events.slice(0, 2).sort()).toEqual(['start a', 'start b']);
  });

  it('releases the key when a task fails', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('a', () => Promise.resolve('next'))).toBe('next');
  });

  it('gives up waiting when the signal aborts, without blocking later holders', async () => {
    const lock = new KeyedLock();
    const release = await lock.acquire('a');
    const controller = new AbortController();
    const waiting = lock.acquire('a', controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    release();
    expect(await lock.run('a', () => Promise.resolve('after'))).toBe('after');
  });
});
