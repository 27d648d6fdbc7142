import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapConcurrent', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3, 6, 7], 3, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });

    expect(results).toEqual([50, 10, 40, 20, 30, 60, 70]);
    expect(most).toBe(3);
  });

  it('rejects with the first error once the calls already started have settled, starting no more', async () => {
    const started: number[] = [];
    let settled = 0;
    const attempt = mapConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      settled++;
      if (n === 1) throw new Error('first failed');
      return n;
    });

    await expect(attempt).rejects.toThrow('first failed');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });

  it('resolves to an empty list for no items', async () => {
    expect(await mapConcurrent([], 8, async () => 1)).toEqual([]);
  });
});
