import { describe, expect, it } from 'vitest';
import { isKubeObject, isPlainObject } from './kube-object.js';

describe('Kubernetes objects', () => {
  it('are recognised by a string apiVersion, kind and metadata.name', () => {
    expect(isKubeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: {} })).toBe(true);
    expect(isKubeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).toBe(false);
    expect(isKubeObject({ kind: 'ConfigMap', metadata: { name: 'a' } })).toBe(false);
    expect(isKubeObject([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }])).toBe(false);
    expect(isKubeObject(null)).toBe(false);
  });

  it('count only non-array objects as plain objects', () => {
    expect([{}, { a: 1 }].every(isPlainObject)).toBe(true);
    expect([[], null, 'x', 1].some(isPlainObject)).toBe(false);
  });
});
