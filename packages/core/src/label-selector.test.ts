import { describe, expect, it } from 'vitest';
import { FlotillaError } from './flotilla-error.js';
import { matchesLabelSelector, parseLabelSelector, validateLabels, validateLabelSelector } from './label-selector.js';

const prodEu = { env: 'prod', region: 'eu', tier: 'web' };

describe('label selectors', () => {
  it('read the kubectl string form', () => {
    expect(parseLabelSelector('env=prod,tier in (web, api),!legacy,region!=us,gpu')).toEqual({
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['web', 'api'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'region', operator: 'NotIn', values: ['us'] },
        { key: 'gpu', operator: 'Exists' },
      ],
    });
  });

  it('treat an empty string as select-all', () => {
    expect(parseLabelSelector('')).toEqual({});
    expect(matchesLabelSelector({}, prodEu)).toBe(true);
  });

  it('match labels by equality, set membership and existence', () => {
    expect(matchesLabelSelector(parseLabelSelector('env=prod,region in (eu,ap)'), prodEu)).toBe(true);
    expect(matchesLabelSelector(parseLabelSelector('env=staging'), prodEu)).toBe(false);
    expect(matchesLabelSelector(parseLabelSelector('region notin (eu)'), prodEu)).toBe(false);
    expect(matchesLabelSelector(parseLabelSelector('region notin (us)'), prodEu)).toBe(true);
    expect(matchesLabelSelector(parseLabelSelector('!gpu'), prodEu)).toBe(true);
    expect(matchesLabelSelector(parseLabelSelector('gpu'), prodEu)).toBe(false);
  });

  it('refuse malformed selectors naming the bad part', () => {
    for (const [text, why] of [
      ['env=prod,,tier=web', 'empty requirement'],
      ['tier in (web', 'unbalanced'],
      ['bad key!=x', 'invalid'],
      ['env=a b', 'invalid'],
      ['env=a,env=b', 'two values'],
    ] as const) {
      expect(() => parseLabelSelector(text), text).toThrow(why);
      expect(() => parseLabelSelector(text)).toThrow(FlotillaError);
    }
  });

  it('validate labels and structured selectors', () => {
    expect(validateLabels({ env: 'prod', 'example.com/team': 'a' })).toEqual([]);
    expect(validateLabels({ 'bad key': 'x', ok: 'no spaces allowed' })).toHaveLength(2);
    expect(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toEqual([
      'matchExpressions[0]: In needs at least one value',
    ]);
  });
});
