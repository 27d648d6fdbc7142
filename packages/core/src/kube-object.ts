/** One entry of `metadata.managedFields`: which manager owns which fields (server-side apply bookkeeping). */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update' | (string & {});
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  /** The owned fields as a trie of `f:`/`k:`/`v:`/`i:` keys (see fieldsManagedBy). */
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Standard object metadata; fields Flotilla does not read are kept as `unknown`. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
  resourceVersion?: string;
  uid?: string;
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** A Kubernetes object as JSON: apiVersion, kind and metadata are checked, the rest is unknown. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value has the shape of a KubeObject: string apiVersion and kind, metadata with a string name. */
export function isKubeObject(value: unknown): value is KubeObject {
  return (
    isPlainObject(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isPlainObject(value['metadata']) &&
    typeof value['metadata']['name'] === 'string'
  );
}
