import { describe, expect, it } from 'vitest';
import { crdKindOf } from './crd-kinds.js';
import type { KubeObject } from './kube-object.js';

function crd(group: string, kind: string, options: { scope?: 'Namespaced' | 'Cluster' } = {}): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: options.scope ?? 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true }],
    },
  };
}

describe('crdKindOf', () => {
  it('reads group, kind, served versions and scope', () => {
    const definition = crd('example.com', 'Widget', { scope: 'Cluster' });
    const spec = definition['spec'] as { versions: object[] };
    spec.versions.push({ name: 'v0', served: false, storage: false }, { name: 'v2', served: true, storage: false });

    expect(crdKindOf(definition)).toEqual({ crdName: 'widgets.example.com', group: 'example.com', kind: 'Widget', versions: ['v1', 'v2'], namespaced: false });
  });

  it('answers undefined for a CRD without a group or kind, for the server to reject', () => {
    expect(crdKindOf({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x' }, spec: {} })).toBeUndefined();
  });
});
