import { isPlainObject, type KubeObject } from './kube-object.js';

/**
 * A Secret's `stringData` moved into `data`, base64-encoded, as the API server stores it (a key in both takes the
 * `stringData` value, as the server does); other objects are returned as they are. `stringData` is write-only: it is
 * never in the live object, so a Secret applied with it could never be found unchanged without a dry-run, and its
 * field ownership would not match what is stored. Flux does the same before applying.
 */
export function normalizeStringData(object: KubeObject): KubeObject {
  const stringData = object['stringData'];
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1' || !isPlainObject(stringData)) return object;
  const entries = Object.entries(stringData);
  if (!entries.every(([, value]) => typeof value === 'string')) return object;
  const { stringData: _stringData, ...rest } = object;
  const data = isPlainObject(object['data']) ? { ...object['data'] } : {};
  for (const [key, value] of entries) data[key] = Buffer.from(value as string, 'utf8').toString('base64');
  return { ...rest, data } as KubeObject;
}
