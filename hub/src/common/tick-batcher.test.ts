import { describe, expect, it } from 'vitest';
import { TickBatcher } from './tick-batcher.js';

describe('TickBatcher', () => {
  it('reads the keys asked for in one turn with one call, each once, and answers every caller', async () => {
    const calls: number[][] = [];
    const batcher = new TickBatcher<number, string | null>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k % 2 === 0).map((k) => [k, `v${k}`]));
    }, null);
    const answers = await Promise.all([batcher.load(2), batcher.load(3), batcher.load(2), batcher.load(4)]);
    expect(answers).toEqual(['v2', null, 'v2', 'v4']);
    expect(calls).toEqual([[2, 3, 4]]);
    // The next turn is a new call.
    expect(await batcher.load(6)).toBe('v6');
    expect(calls).toHaveLength(2);
  });

  it('splits a large turn into calls of at most maxKeys, and fails only the callers of a failed call', async () => {
    const calls: number[][] = [];
    const batcher = new TickBatcher<number, number>(
      async (keys) => {
        calls.push(keys);
        if (keys.includes(4)) throw new Error('database unavailable');
        return new Map(keys.map((k) => [k, k * 10]));
      },
      -1,
      3,
    );
    const answers = await Promise.allSettled([1, 2, 3, 4, 5].map((k) => batcher.load(k)));
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message))).toEqual([10, 20, 30, 'database unavailable', 'database unavailable']);
  });
});
