import type { IsNamespaced } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { artifactOf } from '../testing/artifact-server.js';
import { placeObjects } from './place-objects.js';

// What discovery of a cluster knows: ConfigMaps are namespaced, Namespaces are not, Widgets it has never heard of.
const discovery: IsNamespaced = (ref) => (ref.kind === 'ConfigMap' ? true : ref.kind === 'Namespace' || ref.kind === 'CustomResourceDefinition' ? false : undefined);

describe('placing an artifact’s objects in this cluster', () => {
  it('gives namespaced objects the default namespace and takes it from cluster-scoped ones', () => {
    const { artifact } = artifactOf([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'kept' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', namespace: 'nonsense' } },
    ]);
    const placed = placeObjects(artifact, { defaultNamespace: 'apps', isNamespaced: discovery });
    expect(placed.map((p) => `${p.ref.kind}/${p.ref.namespace}/${p.ref.name}`)).toEqual(['ConfigMap/apps/a', 'ConfigMap/kept/b', 'Namespace//apps']);
    expect(placed[2]?.object.metadata).toEqual({ name: 'apps' });
    expect(placed[0]?.source).toEqual({ file: 'web/manifests.yaml', line: 1 });
  });

  it('takes the scope of a custom kind from its CRD in the same artifact, and leaves an unknown kind as written', () => {
    const crd = (scope: string, kind: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.example.com` },
      spec: { group: 'example.com', scope, names: { kind, plural: `${kind.toLowerCase()}s` }, versions: [{ name: 'v1', served: true, storage: true }] },
    });
    const { artifact } = artifactOf([
      crd('Namespaced', 'Widget'),
      crd('Cluster', 'Gadget'),
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'x' } },
      { apiVersion: 'other.example/v1', kind: 'Mystery', metadata: { name: 'm' } },
    ]);
    const refs = placeObjects(artifact, { defaultNamespace: 'apps', isNamespaced: discovery }).map((p) => `${p.ref.kind}/${p.ref.namespace}/${p.ref.name}`);
    expect(refs.slice(2)).toEqual(['Widget/apps/w', 'Gadget//g', 'Mystery//m']);
  });

  it('refuses two objects that become one, naming both files and lines', () => {
    const { artifact } = artifactOf([
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, source: { file: 'base/a.yaml', line: 1 } },
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'apps' } }, source: { file: 'overlay/a.yaml', line: 7 } },
    ]);
    expect(() => placeObjects(artifact, { defaultNamespace: 'apps', isNamespaced: discovery })).toThrow('ConfigMap/apps/a is declared twice: in base/a.yaml:1 and overlay/a.yaml:7');
  });
});
