import { describe, expect, it } from 'vitest';
import { ignoredFieldsOf, matchesIgnoreRule } from './drift-ignore.js';

const ref = { kind: 'Deployment', namespace: 'web', name: 'api-server' };

describe('drift ignore rules', () => {
  it('match by kind, namespace and name, with empty fields matching anything and * as a wildcard', () => {
    expect(matchesIgnoreRule({}, ref)).toBe(true);
    expect(matchesIgnoreRule({ kind: 'Deployment', name: 'api-*' }, ref)).toBe(true);
    expect(matchesIgnoreRule({ kind: 'Deployment', name: 'api' }, ref)).toBe(false);
    expect(matchesIgnoreRule({ kind: 'StatefulSet' }, ref)).toBe(false);
    expect(matchesIgnoreRule({ namespace: 'w*b', name: '*server' }, ref)).toBe(true);
    expect(matchesIgnoreRule({ name: 'api.server' }, ref)).toBe(false);
  });

  it('collect the pointers of every matching rule, or ignore the whole object when a rule names no field', () => {
    const rules = [
      { kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      { name: 'api-*', jsonPointers: ['/spec/replicas', '/metadata/annotations'] },
      { kind: 'ConfigMap', jsonPointers: ['/data'] },
    ];
    expect(ignoredFieldsOf(rules, ref)).toEqual({ isWholeObject: false, pointers: ['/spec/replicas', '/metadata/annotations'] });
    expect(ignoredFieldsOf([...rules, { namespace: 'web' }], ref)).toEqual({ isWholeObject: true, pointers: [] });
    expect(ignoredFieldsOf(rules, { ...ref, kind: 'Secret', name: 'x' })).toEqual({ isWholeObject: false, pointers: [] });
  });
});
