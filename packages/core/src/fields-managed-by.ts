import { isJsonEqual } from './compare-objects.js';
import { formatJsonPointer, parseJsonPointer, type PathSegment } from './json-pointer.js';
import { isPlainObject, type ManagedFieldsEntry } from './kube-object.js';

/** The fields one manager owns in one object, as recorded in its managedFields. */
export interface ManagedFieldSet {
  /** Whether the field at `pointer` in `object` (the object the managedFields belong to) is owned, wholly or in part. */
  covers(object: unknown, pointer: string): boolean;
  /** JSON pointers of the owned fields present in `object`: leaves, atomic values and owned list items or maps. */
  pointers(object: unknown): string[];
}

/** Options of fieldsManagedBy. */
export interface FieldsManagedByOptions {
  /** Only entries of this operation ("Apply" for server-side apply, "Update" for writes such as kubectl edit). */
  operation?: string;
}

/** A fieldsV1 trie: `f:` fields, `k:` keyed list items, `v:` set values, `i:` indexes, `.` the node itself. */
export type FieldsTrie = Record<string, unknown>;

function mergeTries(into: FieldsTrie, from: FieldsTrie): void {
  for (const [key, value] of Object.entries(from)) {
    if (!isPlainObject(value)) continue;
    const existing = into[key];
    if (isPlainObject(existing)) mergeTries(existing, value);
    else into[key] = structuredClone(value);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The index of the first item of `list` that a list key of a fieldsV1 trie stands for: `k:{"name":"app"}` (the item
 * whose key fields have those values), `v:"x"` (the item equal to the value) or `i:2` (the item at that index); -1
 * when none does.
 */
export function findListItem(key: string, list: readonly unknown[]): number {
  if (key.startsWith('k:')) {
    const fields = parseJson(key.slice(2));
    if (!isPlainObject(fields)) return -1;
    return list.findIndex((item) => isPlainObject(item) && Object.entries(fields).every(([name, value]) => isJsonEqual(item[name], value)));
  }
  if (key.startsWith('v:')) {
    const value = parseJson(key.slice(2));
    return value === undefined ? -1 : list.findIndex((item) => isJsonEqual(value, item));
  }
  if (/^i:(0|[1-9][0-9]*)$/.test(key)) {
    const index = Number(key.slice(2));
    return index < list.length ? index : -1;
  }
  return -1;
}

/** The child of a trie node that stands for item `index` of `list` (k:, v: or i: key), if any. */
function itemChild(node: FieldsTrie, list: readonly unknown[], index: number): [string, FieldsTrie] | undefined {
  for (const [key, child] of Object.entries(node)) {
    if (isPlainObject(child) && key !== '.' && !key.startsWith('f:') && findListItem(key, list) === index) return [key, child];
  }
  return undefined;
}

// A node without children owns the whole value at its path (an atomic value or a leaf); "." marks the item itself.
const isLeaf = (node: FieldsTrie): boolean => Object.keys(node).length === 0;

function collect(node: FieldsTrie, value: unknown, path: PathSegment[], out: string[]): void {
  const children = Object.keys(node).filter((key) => key !== '.');
  if (children.length === 0 || '.' in node) out.push(formatJsonPointer(path));
  for (const key of children) {
    const child = node[key];
    if (!isPlainObject(child)) continue;
    if (key.startsWith('f:')) {
      const name = key.slice(2);
      if (isPlainObject(value) && value[name] !== undefined) collect(child, value[name], [...path, name], out);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (itemChild({ [key]: child }, value, i)) {
          collect(child, value[i], [...path, i], out);
          break;
        }
      }
    }
  }
}

/**
 * The fieldsV1 tries of `manager`'s entries merged into one: of one operation only when `operation` is given, of the
 * main resource only (no `status` or other subresource) when `mainResource` is set.
 */
export function managedFieldsTrie(
  managedFields: readonly ManagedFieldsEntry[] | undefined,
  manager: string,
  options: FieldsManagedByOptions & { mainResource?: boolean } = {},
): FieldsTrie {
  const trie: FieldsTrie = {};
  for (const entry of managedFields ?? []) {
    if (entry.manager !== manager || (options.operation !== undefined && entry.operation !== options.operation)) continue;
    if (options.mainResource && (entry.subresource ?? '') !== '') continue;
    if (entry.fieldsType !== undefined && entry.fieldsType !== 'FieldsV1') continue;
    if (isPlainObject(entry.fieldsV1)) mergeTries(trie, entry.fieldsV1);
  }
  return trie;
}

/**
 * The fields `manager` owns according to an object's managedFields (fieldsV1 tries of `f:` fields, `k:` keyed list
 * items, `v:` set values and `i:` indexes), merged over all its entries (and subresources). Lets drift detection
 * compare only the fields Flotilla applied, and tell which manager changed a field.
 */
export function fieldsManagedBy(
  managedFields: readonly ManagedFieldsEntry[] | undefined,
  manager: string,
  options: FieldsManagedByOptions = {},
): ManagedFieldSet {
  const trie = managedFieldsTrie(managedFields, manager, options);
  const empty = Object.keys(trie).length === 0;

  return {
    covers(object, pointer) {
      if (empty) return false;
      let node: FieldsTrie = trie;
      let value: unknown = object;
      for (const segment of parseJsonPointer(pointer)) {
        if (isLeaf(node)) return true;
        let next: FieldsTrie | undefined;
        if (Array.isArray(value) && /^(0|[1-9][0-9]*)$/.test(segment)) {
          const index = Number(segment);
          next = itemChild(node, value, index)?.[1];
          value = value[index];
        } else {
          const child = node[`f:${segment}`];
          next = isPlainObject(child) ? child : undefined;
          value = isPlainObject(value) ? value[segment] : undefined;
        }
        if (!next) return false;
        node = next;
      }
      return true;
    },
    pointers(object) {
      if (empty) return [];
      const out: string[] = [];
      collect(trie, object, [], out);
      return out;
    },
  };
}
