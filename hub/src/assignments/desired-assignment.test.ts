import { describe, expect, it } from 'vitest';
import { sameJson } from './desired-assignment.js';

describe('sameJson', () => {
  it('compares JSON values whatever the order of object keys', () => {
    expect(sameJson({ a: 1, b: { c: [1, { d: 'x', e: null }] } }, { b: { c: [1, { e: null, d: 'x' }] }, a: 1 })).toBe(true);
    expect(sameJson({ prune: true, drift: { mode: 'correct', ignore: [] } }, { drift: { ignore: [], mode: 'correct' }, prune: true })).toBe(true);
  });

  it('tells apart values, array orders, missing keys, null and arrays from objects', () => {
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(sameJson({ a: null }, { a: {} })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });

  it('ignores keys holding undefined, as JSON does', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(true);
  });
});
