import { describe, expect, it } from 'vitest';
import { measureNesting } from './measure-nesting.js';

describe('measureNesting', () => {
  it('counts block levels by indentation and sequences opened on one line', () => {
    expect(measureNesting('a: 1\nb: 2\n')).toBe(1);
    expect(measureNesting('a:\n  b:\n    c: 1\nd: 2\n')).toBe(3);
    expect(measureNesting('items:\n- - - x\n')).toBe(4);
    expect(measureNesting(Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'))).toBe(300);
  });

  it('counts flow collections, also across lines, and resets at a new document', () => {
    expect(measureNesting('a: [1, {b: [2]}]\n')).toBe(4);
    expect(measureNesting(`${'['.repeat(1000)}${']'.repeat(1000)}`)).toBe(1001);
    expect(measureNesting('a: [\n  [\n    1]]\n---\nb: 1\n')).toBe(3);
  });

  it('skips quoted scalars and comments', () => {
    expect(measureNesting(`a: "${'['.repeat(50)}"\nb: '[[[''[['\n# ${'{'.repeat(50)}\nc: x # [[[[\n`)).toBe(1);
    expect(measureNesting(`a: "escaped \\" [[[["\n`)).toBe(1);
  });

  it('stays an upper bound for real manifests', () => {
    const manifest = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          args: ["--a", "--b"]\n';
    expect(measureNesting(manifest)).toBeGreaterThanOrEqual(6);
    expect(measureNesting(manifest)).toBeLessThan(10);
  });
});
