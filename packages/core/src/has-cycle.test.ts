import { describe, expect, it } from 'vitest';
import { hasCycle } from './has-cycle.js';

describe('hasCycle', () => {
  it('finds a value that contains itself, however deep', () => {
    const a: Record<string, unknown> = { b: { c: [1, 2] } };
    expect(hasCycle(a)).toBe(false);
    ((a.b as Record<string, unknown>).c as unknown[]).push(a);
    expect(hasCycle(a)).toBe(true);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = deep.x = {};
    expect(hasCycle(root)).toBe(false);
    deep.x = root;
    expect(hasCycle(root)).toBe(true);
  });

  it('accepts shared nodes that do not form a cycle, and plain values', () => {
    const shared = { name: 'x' };
    expect(hasCycle({ a: shared, b: [shared, shared] })).toBe(false);
    for (const value of [null, undefined, 1, 'x', true]) expect(hasCycle(value)).toBe(false);
  });
});
