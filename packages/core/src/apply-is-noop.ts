import { isJsonEqual } from './compare-objects.js';
import { findListItem, type FieldsTrie } from './fields-managed-by.js';
import { isPlainObject, type KubeObject } from './kube-object.js';

const isLeaf = (node: FieldsTrie): boolean => Object.keys(node).length === 0;

function parseKeyFields(key: string): Record<string, unknown> | undefined {
  try {
    const fields = JSON.parse(key.slice(2)) as unknown;
    return isPlainObject(fields) ? fields : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether list key `key` of the trie stands for item `item` of a desired (not yet defaulted) list. A key field the
 * item leaves out matches when the manager does not own that field: the server filled it in with its default (a
 * Service port's `protocol: TCP`), so the item applied again lands on the same key.
 */
function keyMatchesDesired(key: string, child: FieldsTrie, item: unknown, index: number, list: readonly unknown[]): boolean {
  if (!key.startsWith('k:')) return findListItem(key, list) === index;
  const fields = parseKeyFields(key);
  if (!fields || !isPlainObject(item)) return false;
  let given = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (item[name] === undefined) {
      if (`f:${name}` in child) return false;
    } else if (isJsonEqual(item[name], value)) given++;
    else return false;
  }
  return given > 0;
}

/** The one item of a desired list that `key` stands for, or -1 when none or several do. */
function desiredItemOf(key: string, child: FieldsTrie, list: readonly unknown[]): number {
  const matches = list.flatMap((item, index) => (keyMatchesDesired(key, child, item, index, list) ? [index] : []));
  return matches.length === 1 ? (matches[0] as number) : -1;
}

/** The one list key of the trie node that stands for item `index` of a desired list, or undefined when none or several do. */
function keyOfDesired(node: FieldsTrie, list: readonly unknown[], index: number): string | undefined {
  const keys = Object.keys(node).filter((key) => {
    const child = node[key];
    return key !== '.' && !key.startsWith('f:') && isPlainObject(child) && keyMatchesDesired(key, child, list[index], index, list);
  });
  return keys.length === 1 ? keys[0] : undefined;
}

/**
 * Whether every field `fieldManager` owns in the live object is in `desired` with the same value (leaves and atomic
 * values compared whole), so that applying `desired` would remove or reset none of them.
 */
function ownedFieldsKept(node: FieldsTrie, live: unknown, desired: unknown): boolean {
  for (const [key, child] of Object.entries(node)) {
    if (key === '.') continue;
    if (!isPlainObject(child)) return false;
    let liveValue: unknown;
    let desiredValue: unknown;
    if (key.startsWith('f:')) {
      const name = key.slice(2);
      if (!isPlainObject(desired) || desired[name] === undefined) return false;
      desiredValue = desired[name];
      liveValue = isPlainObject(live) ? live[name] : undefined;
    } else {
      const desiredIndex = Array.isArray(desired) ? desiredItemOf(key, child, desired) : -1;
      const liveIndex = Array.isArray(live) ? findListItem(key, live) : -1;
      if (desiredIndex < 0 || liveIndex < 0) return false;
      desiredValue = (desired as unknown[])[desiredIndex];
      liveValue = (live as unknown[])[liveIndex];
    }
    if (isLeaf(child) ? !isJsonEqual(desiredValue, liveValue) : !ownedFieldsKept(child, liveValue, desiredValue)) return false;
  }
  return true;
}

/**
 * Whether every value of `desired` is owned by the manager (the trie `node`) and equal in the live object, so that
 * applying it would neither change a value nor take over a field. Each desired list item must stand for exactly one
 * owned item and the reverse (ownedFieldsKept), and keep its order.
 */
function desiredFieldsOwned(desired: unknown, node: FieldsTrie, live: unknown): boolean {
  if (isLeaf(node)) return isJsonEqual(desired, live);
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return false;
    for (const [name, value] of Object.entries(desired)) {
      if (value === undefined) continue;
      const child = node[`f:${name}`];
      if (!isPlainObject(child) || !desiredFieldsOwned(value, child, live[name])) return false;
    }
    return true;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return false;
    let previous = -1;
    for (const [index, item] of desired.entries()) {
      const key = keyOfDesired(node, desired, index);
      const child = key === undefined ? undefined : node[key];
      if (key === undefined || !isPlainObject(child)) return false;
      const liveIndex = findListItem(key, live);
      if (liveIndex <= previous || !desiredFieldsOwned(item, child, live[liveIndex])) return false;
      previous = liveIndex;
    }
    return true;
  }
  return isJsonEqual(desired, live);
}

/**
 * Whether a server-side apply of `desired` by `fieldManager` would certainly change nothing in `live` (the object as
 * read from the server, at the apiVersion of `desired`): the manager's one Apply entry of managedFields owns exactly
 * the fields of `desired`, and each holds the value `desired` gives it. Then neither a value nor the field ownership
 * would change, and the object need not be sent. `false` means "not certain": a dry-run decides (live values the
 * server normalised, such as quantities, or fields another manager also set, end up there). Never true for an
 * object being deleted.
 */
export function isApplyNoop(desired: KubeObject, live: KubeObject, fieldManager: string): boolean {
  if (desired.apiVersion !== live.apiVersion || desired.kind !== live.kind || desired.metadata.name !== live.metadata.name) return false;
  if ((desired.metadata.namespace ?? '') !== (live.metadata.namespace ?? '') || live.metadata['deletionTimestamp']) return false;
  // apiVersion, kind, name and namespace identify the object; the server does not list them among owned fields.
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = desired;
  const { name: _name, namespace: _namespace, ...ownMetadata } = metadata;
  const values: Record<string, unknown> = Object.keys(ownMetadata).length > 0 ? { ...rest, metadata: ownMetadata } : rest;

  const entries = (live.metadata.managedFields ?? []).filter(
    (entry) => entry.manager === fieldManager && entry.operation === 'Apply' && !entry.subresource,
  );
  // An object of nothing but its name (a bare Namespace): the server keeps no entry for a manager that owns nothing.
  if (entries.length === 0) return Object.values(values).every((value) => value === undefined);
  const entry = entries[0];
  if (entries.length !== 1 || !entry || entry.apiVersion !== desired.apiVersion || !isPlainObject(entry.fieldsV1)) return false;
  if ((entry.fieldsType ?? 'FieldsV1') !== 'FieldsV1') return false;
  return ownedFieldsKept(entry.fieldsV1, live, desired) && desiredFieldsOwned(values, entry.fieldsV1, live);
}
