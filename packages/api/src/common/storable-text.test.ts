import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText, UNSTORABLE_TEXT_MESSAGE } from './storable-text.js';

describe('findUnstorableText', () => {
  it('finds nothing in values without a NUL character', () => {
    expect(findUnstorableText({ name: 'web', labels: { env: 'prod' }, targets: ['a', 'b'], n: 5, ok: true, none: null, emoji: '💥' })).toEqual([]);
    expect(isStorableText('plain')).toBe(true);
  });

  it('names every string value holding a NUL, by its path', () => {
    expect(findUnstorableText({ name: '\u0000', targets: { clusters: ['eu-1', 'a\u0000b'] } })).toEqual([
      { field: 'name', message: UNSTORABLE_TEXT_MESSAGE },
      { field: 'targets.clusters.1', message: UNSTORABLE_TEXT_MESSAGE },
    ]);
  });

  it('names a key holding a NUL with the NUL written out', () => {
    expect(findUnstorableText({ labels: { 'tier\u0000': 'web' } })).toEqual([{ field: 'labels.tier\\u0000', message: UNSTORABLE_TEXT_MESSAGE }]);
  });

  it('names a bare string by the path it was given', () => {
    expect(findUnstorableText('a\u0000b', ['app'])).toEqual([{ field: 'app', message: UNSTORABLE_TEXT_MESSAGE }]);
  });
});
