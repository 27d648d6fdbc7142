import { describe, expect, it } from 'vitest';
import { type KubeObject } from './kube-object.js';
import { normalizeStringData } from './normalize-string-data.js';

describe('normalizing a Secret for apply', () => {
  it('moves stringData into data, base64-encoded, stringData winning for a key in both', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'web' },
      data: { kept: 'a2VwdA==', both: 'b2xk' },
      stringData: { both: 'new', 'ünïcode': 'ß ✓' },
    };
    expect(normalizeStringData(secret)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'web' },
      data: { kept: 'a2VwdA==', both: 'bmV3', 'ünïcode': Buffer.from('ß ✓').toString('base64') },
    });
    expect(secret['stringData']).toBeDefined();
  });

  it('leaves other objects, and stringData that is not all strings (the server will refuse it), as they are', () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, stringData: { a: 'b' } };
    expect(normalizeStringData(configMap)).toBe(configMap);
    const odd: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 1 } };
    expect(normalizeStringData(odd)).toBe(odd);
  });
});
