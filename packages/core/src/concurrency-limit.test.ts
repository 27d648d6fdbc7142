import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit.js';

/** A task that holds its place until released, and records how many ran at once. */
function tracker() {
  let running = 0;
  const state = { most: 0, started: [] as string[] };
  const releases = new Map<string, () => void>();
  const task = (name: string) => async (): Promise<string> => {
    running += 1;
    state.most = Math.max(state.most, running);
    state.started.push(name);
    await new Promise<void>((resolve) => releases.set(name, resolve));
    running -= 1;
    return name;
  };
  const release = (name: string) => releases.get(name)?.();
  return { state, task, release };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs at most its limit at once, the others in the order they came', async () => {
    const limit = new ConcurrencyLimit(2);
    const { state, task, release } = tracker();
    const runs = ['a', 'b', 'c', 'd'].map((name) => limit.run(task(name)));
    await tick();
    expect(state.started).toEqual(['a', 'b']);
    release('b');
    await tick();
    expect(state.started).toEqual(['a', 'b', 'c']);
    release('a');
    release('c');
    await tick();
    release('d');
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c', 'd']);
    expect(state.started).toEqual(['a', 'b', 'c', 'd']);
    expect(state.most).toBe(2);
  });

  it('gives a finished place to the first waiter, not to a task that arrives at that moment', async () => {
    const limit = new ConcurrencyLimit(1);
    const { state, task, release } = tracker();
    const first = limit.run(task('first'));
    const waiter = limit.run(task('waiter'));
    await tick();
    release('first');
    // Arrives in the same turn as the release, before the waiter has run.
    const late = limit.run(task('late'));
    await tick();
    expect(state.started).toEqual(['first', 'waiter']);
    release('waiter');
    await tick();
    release('late');
    await Promise.all([first, waiter, late]);
    expect(state.most).toBe(1);
  });

  it('frees the place of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });
});
