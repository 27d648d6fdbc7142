import { describe, expect, it } from 'vitest';
import { FlotillaError } from './flotilla-error.js';
import { formatJsonPointer, parseJsonPointer } from './json-pointer.js';

describe('JSON pointers', () => {
  it('escape ~ as ~0 and / as ~1', () => {
    expect(formatJsonPointer(['metadata', 'annotations', 'app.kubernetes.io/name'])).toBe('/metadata/annotations/app.kubernetes.io~1name');
    expect(formatJsonPointer(['a~/b', 0])).toBe('/a~0~1b/0');
    expect(formatJsonPointer([])).toBe('');
  });

  it('read back what they write', () => {
    const path = ['spec', 'x~1', 'a/b', '', '3'];
    expect(parseJsonPointer(formatJsonPointer(path))).toEqual(path);
    expect(parseJsonPointer('')).toEqual([]);
  });

  it('refuse text that is not a pointer', () => {
    for (const bad of ['spec', '/a~2', '/a~']) expect(() => parseJsonPointer(bad)).toThrow(FlotillaError);
  });
});
