import { compareBytewise } from './compare-bytewise.js';
import { isJsonEqual } from './compare-objects.js';
import { formatJsonPointer, type PathSegment } from './json-pointer.js';
import { isPlainObject } from './kube-object.js';

/** One field that differs; mirrors flotilla.v1.FieldDiff. A missing `desired` or `live` means the field is absent there. */
export interface FieldDiff {
  /** RFC 6901 JSON pointer ("/spec/template/spec/containers/0/image"). */
  path: string;
  desired?: unknown;
  live?: unknown;
}

/** Options of diffFields. */
export interface DiffFieldsOptions {
  /** Member that identifies the items of a list of objects (Kubernetes' merge key); default "name". */
  mergeKey?: string;
}

const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object';

/** The merge-key values of a list when every item is an object with a unique string key; undefined otherwise. */
function keysOf(list: readonly unknown[], mergeKey: string): string[] | undefined {
  const keys: string[] = [];
  for (const item of list) {
    const key = isPlainObject(item) ? item[mergeKey] : undefined;
    if (typeof key !== 'string' || keys.includes(key)) return undefined;
    keys.push(key);
  }
  return keys;
}

function diffLists(desired: unknown[], live: unknown[], path: PathSegment[], mergeKey: string, out: FieldDiff[]): void {
  const desiredKeys = keysOf(desired, mergeKey);
  const liveKeys = keysOf(live, mergeKey);
  if (desiredKeys && liveKeys && desired.length + live.length > 0) {
    // Keyed list: items are matched by key, so an item inserted by someone else is one diff, not a shift of all.
    desiredKeys.forEach((key, i) => {
      const j = liveKeys.indexOf(key);
      if (j < 0) out.push({ path: formatJsonPointer([...path, i]), desired: desired[i] });
      else diffValues(desired[i], live[j], [...path, j], mergeKey, out);
    });
    liveKeys.forEach((key, j) => {
      if (!desiredKeys.includes(key)) out.push({ path: formatJsonPointer([...path, j]), live: live[j] });
    });
    return;
  }
  if (desired.every(isScalar) && live.every(isScalar)) {
    out.push({ path: formatJsonPointer(path), desired, live });
    return;
  }
  for (let i = 0; i < Math.max(desired.length, live.length); i++) {
    if (i >= live.length) out.push({ path: formatJsonPointer([...path, i]), desired: desired[i] });
    else if (i >= desired.length) out.push({ path: formatJsonPointer([...path, i]), live: live[i] });
    else diffValues(desired[i], live[i], [...path, i], mergeKey, out);
  }
}

function diffValues(desired: unknown, live: unknown, path: PathSegment[], mergeKey: string, out: FieldDiff[]): void {
  if (isJsonEqual(desired, live)) return;
  if (isPlainObject(desired) && isPlainObject(live)) {
    const keys = [...new Set([...Object.keys(desired), ...Object.keys(live)])].sort(compareBytewise);
    for (const key of keys) {
      const inDesired = desired[key] !== undefined;
      const inLive = live[key] !== undefined;
      if (inDesired && !inLive) out.push({ path: formatJsonPointer([...path, key]), desired: desired[key] });
      else if (inLive && !inDesired) out.push({ path: formatJsonPointer([...path, key]), live: live[key] });
      else diffValues(desired[key], live[key], [...path, key], mergeKey, out);
    }
    return;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    diffLists(desired, live, path, mergeKey, out);
    return;
  }
  out.push({ path: formatJsonPointer(path), desired, live });
}

/**
 * The fields that differ between a desired and a live value, as JSON pointers with both values. Members are visited
 * in byte-wise order; lists of objects with a unique `name` are matched by name (the index in a path is the live one
 * when the item exists there, else the desired one); lists of scalars are compared whole.
 */
export function diffFields(desired: unknown, live: unknown, options: DiffFieldsOptions = {}): FieldDiff[] {
  const out: FieldDiff[] = [];
  diffValues(desired, live, [], options.mergeKey ?? 'name', out);
  return out;
}
