import { isPlainObject, type KubeObject } from './kube-object.js';
import type { ObjectRef } from './object-ref.js';

/** The kind a CustomResourceDefinition defines: group, kind, served versions and scope. */
export interface CrdKind {
  /** The CRD's name (`widgets.example.com`). */
  crdName: string;
  group: string;
  kind: string;
  /** Versions with `served: true`, in the CRD's order. */
  versions: string[];
  namespaced: boolean;
}

/** Whether a ref or object is an apiextensions.k8s.io CustomResourceDefinition. */
export function isCrd(ref: Pick<ObjectRef, 'group' | 'kind'>): boolean {
  return ref.group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition';
}

/** Reads the kind a CRD object defines, or undefined when its spec lacks a group or kind (the server will say why). */
export function crdKindOf(crd: KubeObject): CrdKind | undefined {
  const spec = isPlainObject(crd['spec']) ? crd['spec'] : {};
  const names = isPlainObject(spec['names']) ? spec['names'] : {};
  const group = spec['group'];
  const kind = names['kind'];
  if (typeof group !== 'string' || typeof kind !== 'string') return undefined;
  const versions = (Array.isArray(spec['versions']) ? spec['versions'] : [])
    .filter(isPlainObject)
    .filter((v) => v['served'] !== false && typeof v['name'] === 'string')
    .map((v) => v['name'] as string);
  return { crdName: crd.metadata.name, group, kind, versions, namespaced: spec['scope'] !== 'Cluster' };
}
