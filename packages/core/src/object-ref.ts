import { type KubeObject } from './kube-object.js';

/** Identifies one Kubernetes object; mirrors flotilla.v1.ObjectRef. Empty strings stand for "none". */
export interface ObjectRef {
  /** API group, empty for the core group ("apps", ""). */
  group: string;
  /** Version within the group ("v1"). */
  version: string;
  kind: string;
  /** Empty for cluster-scoped objects (and for objects whose scope is not known yet). */
  namespace: string;
  name: string;
}

/**
 * Tells whether objects of a kind are namespaced: true or false when known (discovery, built-in table),
 * undefined when the kind is unknown, e.g. a custom resource whose CRD is applied in the same revision.
 */
export type IsNamespaced = (ref: ObjectRef) => boolean | undefined;

/** Splits an apiVersion into group and version: "apps/v1" → apps + v1, "v1" → "" + v1. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Joins group and version back into an apiVersion ("v1" for the core group). */
export function formatApiVersion(ref: Pick<ObjectRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** The ObjectRef of an object, as written in it (no namespace defaulting). */
export function objectRefOf(obj: KubeObject): ObjectRef {
  const { group, version } = parseApiVersion(obj.apiVersion);
  return { group, version, kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}

/** The object id that starts every message about an object: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function formatObjectRef(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/**
 * The identity of an object regardless of API version, `group/kind/namespace/name` ("apps/Deployment/web/api",
 * "/Namespace//web"): the key inventories and duplicate checks compare. No part can contain "/", so it is unambiguous.
 */
export function objectKey(ref: Pick<ObjectRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}
