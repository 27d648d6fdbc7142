import { describe, expect, it } from 'vitest';
import { FlotillaError } from './flotilla-error.js';
import { formatRevision, parseRevision } from './revision.js';

const commit = '0123456789abcdef0123456789abcdef01234567';

describe('revisions', () => {
  it('are written ref@sha1:<hex> and read back', () => {
    const text = formatRevision({ ref: 'main', commit });
    expect(text).toBe(`main@sha1:${commit}`);
    expect(parseRevision(text)).toEqual({ ref: 'main', commit });
  });

  it('keep refs that contain @ or slashes', () => {
    expect(parseRevision(`release/v1@rc@sha1:${commit}`)).toEqual({ ref: 'release/v1@rc', commit });
  });

  it('refuse short or upper-case commit ids with INVALID_REVISION', () => {
    for (const bad of ['main', `main@sha1:${commit.slice(1)}`, `main@sha1:${commit.toUpperCase()}`, `@sha1:${commit}`]) {
      expect(() => parseRevision(bad)).toThrow(FlotillaError);
      try {
        parseRevision(bad);
      } catch (error) {
        expect(FlotillaError.is(error, 'INVALID_REVISION')).toBe(true);
      }
    }
  });
});
