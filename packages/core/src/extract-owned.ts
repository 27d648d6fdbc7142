import { findListItem, managedFieldsTrie, type FieldsTrie } from './fields-managed-by.js';
import { isPlainObject, type KubeObject } from './kube-object.js';

/** The fields of `value` that trie `node` owns; undefined when it owns none of them. */
function pick(node: FieldsTrie, value: unknown): unknown {
  const children = Object.keys(node).filter((key) => key !== '.' && isPlainObject(node[key]));
  // A node without children owns the whole value at its path (a leaf, or an atomic map or list).
  if (children.length === 0) return structuredClone(value);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of children) {
      if (!key.startsWith('f:')) continue;
      const name = key.slice(2);
      if (value[name] === undefined) continue;
      const picked = pick(node[key] as FieldsTrie, value[name]);
      if (picked !== undefined) out[name] = picked;
    }
    return Object.keys(out).length > 0 || '.' in node ? out : undefined;
  }
  if (Array.isArray(value)) {
    const owned = new Map<number, unknown>();
    for (const key of children) {
      if (key.startsWith('f:')) continue;
      const index = findListItem(key, value);
      if (index < 0) continue;
      let item = pick(node[key] as FieldsTrie, value[index]);
      // An item of a keyed list is found by its key fields: they go with it whatever the manager owns of it.
      if (key.startsWith('k:') && isPlainObject(item)) item = { ...(JSON.parse(key.slice(2)) as Record<string, unknown>), ...item };
      owned.set(index, item ?? structuredClone(value[index]));
    }
    return owned.size > 0 || '.' in node ? [...owned.entries()].sort(([a], [b]) => a - b).map(([, item]) => item) : undefined;
  }
  return structuredClone(value);
}

/**
 * The part of a live object that one field manager's server-side applies set (its `Apply` entries of
 * `metadata.managedFields`, the main resource only), with the values the object holds now: what that manager would
 * apply to leave the object as it is, as client-go's `Extract…` functions give. Applying it again with the same
 * manager restores those fields and gives up any the manager took since. The identity (apiVersion, kind, name,
 * namespace) is always there; an object the manager never applied gives just that.
 */
export function extractOwned(live: KubeObject, manager: string): KubeObject {
  const trie = managedFieldsTrie(live.metadata.managedFields, manager, { operation: 'Apply', mainResource: true });
  const picked = (Object.keys(trie).length > 0 ? pick(trie, live) : undefined) as Record<string, unknown> | undefined;
  const metadata = isPlainObject(picked?.metadata) ? picked.metadata : {};
  const identity = { name: live.metadata.name, ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}) };
  return { ...picked, apiVersion: live.apiVersion, kind: live.kind, metadata: { ...metadata, ...identity } };
}
