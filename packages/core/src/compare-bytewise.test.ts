import { describe, expect, it } from 'vitest';
import { compareBytewise, utf8ByteLength } from './compare-bytewise.js';

describe('byte-wise ordering', () => {
  it('puts upper case before lower case and shorter prefixes first, like Git', () => {
    expect(['b.yaml', 'B.yaml', 'a/b.yaml', 'a.yaml', 'a'].sort(compareBytewise)).toEqual(['B.yaml', 'a', 'a.yaml', 'a/b.yaml', 'b.yaml']);
  });

  it('orders characters beyond U+FFFF after U+E000–U+FFFF, as their UTF-8 bytes do', () => {
    // "😀" (U+1F600) is a surrogate pair in UTF-16, which plain < would sort before "ｚ" (U+FF5A).
    expect(['😀', 'ｚ', 'z'].sort(compareBytewise)).toEqual(['z', 'ｚ', '😀']);
  });

  it('counts UTF-8 bytes without encoding', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a\u{10FFFF}b', '\ud800']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});
