import { parseJsonPointer } from './json-pointer.js';
import { isPlainObject } from './kube-object.js';

const isIndex = (segment: string): boolean => /^(0|[1-9][0-9]*)$/.test(segment);

/** The value at a JSON pointer, or undefined when the path does not exist. */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  let value = document;
  for (const segment of parseJsonPointer(pointer)) {
    if (Array.isArray(value) && isIndex(segment)) value = value[Number(segment)];
    else if (isPlainObject(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** Sets (or with `undefined`, removes) the value at a pointer in place, creating missing parent objects. */
function assign(document: unknown, segments: readonly string[], value: unknown): void {
  let node = document;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    const container = node as Record<string, unknown> | unknown[];
    let next: unknown = Array.isArray(container) ? (isIndex(segment) ? container[Number(segment)] : undefined) : container[segment];
    if (next === undefined || next === null || typeof next !== 'object') {
      if (value === undefined || Array.isArray(container)) return;
      next = {};
      container[segment] = next;
    }
    node = next;
  }
  const last = segments[segments.length - 1];
  if (last === undefined) return;
  if (Array.isArray(node)) {
    if (!isIndex(last)) return;
    const index = Number(last);
    if (value === undefined) {
      if (index < node.length) node.splice(index, 1);
    } else if (index <= node.length) node[index] = value;
  } else if (isPlainObject(node)) {
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
}

/** A deep copy of a document without the values at the given pointers (pointers that do not exist are skipped). */
export function withoutPointers<T>(document: T, pointers: readonly string[]): T {
  if (pointers.length === 0) return document;
  const copy = structuredClone(document);
  // Deepest and highest index first, so that removing a list item does not shift the items later pointers name.
  const sorted = [...pointers].map(parseJsonPointer).sort((a, b) => compareForRemoval(a, b));
  for (const segments of sorted) if (segments.length > 0) assign(copy, segments, undefined);
  return copy;
}

function compareForRemoval(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (isIndex(x) && isIndex(y)) return Number(y) - Number(x);
    return x < y ? -1 : 1;
  }
  return b.length - a.length;
}

/**
 * A deep copy of `target` whose values at the given pointers are those of `source` (removed where `source` has none).
 * Used to re-apply a desired object without reverting ignored fields: they are sent with their live values.
 */
export function withValuesFrom<T>(target: T, source: unknown, pointers: readonly string[]): T {
  if (pointers.length === 0) return target;
  const copy = structuredClone(target);
  for (const pointer of pointers) {
    const segments = parseJsonPointer(pointer);
    if (segments.length === 0) continue;
    const value = valueAtPointer(source, pointer);
    assign(copy, segments, value === undefined ? undefined : structuredClone(value));
  }
  return copy;
}
