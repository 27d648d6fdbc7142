import { isPlainObject, type KubeObject } from './kube-object.js';

/** Metadata the API server maintains on every write; never part of what Flotilla compares. */
export const BOOKKEEPING_METADATA = ['resourceVersion', 'generation', 'managedFields', 'creationTimestamp', 'uid', 'selfLink'] as const;

/** Whether two JSON values are equal: same types, same array order, same object members in any order. */
export function isJsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => isJsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((key) => a[key] !== undefined);
    if (keys.length !== Object.keys(b).filter((key) => b[key] !== undefined).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && isJsonEqual(a[key], b[key]));
  }
  return false;
}

/** A copy of an object without `status` and without the metadata the server maintains (BOOKKEEPING_METADATA). */
export function stripBookkeeping(obj: KubeObject): KubeObject {
  const { status: _status, ...rest } = obj;
  const metadata = { ...obj.metadata };
  for (const field of BOOKKEEPING_METADATA) delete metadata[field];
  return { ...rest, metadata } as KubeObject;
}

/**
 * Whether a server-side dry-run result equals the live object once bookkeeping and status are set aside: when it
 * does, applying would change nothing, so the object is reported unchanged and not sent.
 */
export function isUnchanged(dryRunResult: KubeObject, live: KubeObject): boolean {
  return isJsonEqual(stripBookkeeping(dryRunResult), stripBookkeeping(live));
}
