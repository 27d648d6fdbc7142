import { compareBytewise } from './compare-bytewise.js';
import { FlotillaError } from './flotilla-error.js';
import { type KubeObject } from './kube-object.js';
import { objectKey, type ObjectRef } from './object-ref.js';

/** The objects one App applied on one cluster: unique by objectKey, sorted by it. */
export type Inventory = readonly ObjectRef[];

/** Annotation that keeps an object when it leaves the inventory: `flotilla.dev/prune: disabled`. */
export const PRUNE_ANNOTATION = 'flotilla.dev/prune';

/** Flux's equivalent annotation, honoured too so manifests written for Flux keep working. */
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** First line of an encoded inventory; names the format so a future one can be told apart. */
export const INVENTORY_HEADER = 'flotilla.dev/inventory v1';

const byKey = (a: ObjectRef, b: ObjectRef): number => compareBytewise(objectKey(a), objectKey(b));

/** Builds an inventory: sorted by objectKey, the first of several refs with the same key kept. */
export function createInventory(refs: Iterable<ObjectRef>): ObjectRef[] {
  const unique = new Map<string, ObjectRef>();
  for (const ref of refs) {
    const key = objectKey(ref);
    if (!unique.has(key)) unique.set(key, { group: ref.group, version: ref.version, kind: ref.kind, namespace: ref.namespace, name: ref.name });
  }
  return [...unique.values()].sort(byKey);
}

/**
 * The objects to prune: in `previous` but not in `next`, compared by objectKey, so an object whose apiVersion moved
 * to another version (v1beta1 → v1) is kept. Refs are those of `previous`, sorted by objectKey.
 */
export function diffInventory(previous: Iterable<ObjectRef>, next: Iterable<ObjectRef>): ObjectRef[] {
  const kept = new Set<string>();
  for (const ref of next) kept.add(objectKey(ref));
  return createInventory(previous).filter((ref) => !kept.has(objectKey(ref)));
}

/** Whether a live object asks to be kept when it leaves the inventory (`flotilla.dev/prune: disabled`, or Flux's). */
export function isPruneDisabled(obj: Pick<KubeObject, 'metadata'>): boolean {
  const annotations = obj.metadata.annotations ?? {};
  return annotations[PRUNE_ANNOTATION] === 'disabled' || annotations[FLUX_PRUNE_ANNOTATION] === 'disabled';
}

// Fields never contain "/" in valid objects; escaping keeps any value (and line breaks) from breaking the format.
const escape = (field: string): string =>
  Array.from(field, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0x20 || code === 0x7f || c === '%' || c === '/' ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }).join('');

function unescape(field: string, line: number): string {
  if (/%(?![0-9A-F]{2})/.test(field)) throw invalid(line, `"${field}" has a "%" not followed by two upper-case hex digits`);
  return field.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function invalid(line: number, reason: string): FlotillaError {
  return new FlotillaError('INVALID_INVENTORY', `inventory line ${line}: ${reason}; the stored inventory is damaged, so nothing was pruned from it`, {
    data: { line },
  });
}

/**
 * Writes an inventory as text for a ConfigMap data field: a header line, then one `group/version/kind/namespace/name`
 * line per object sorted by objectKey ("apps/v1/Deployment/web/api", "/v1/Namespace//web"). Equal inventories
 * encode to equal text.
 */
export function encodeInventory(inventory: Iterable<ObjectRef>): string {
  const lines = createInventory(inventory).map((ref) => [ref.group, ref.version, ref.kind, ref.namespace, ref.name].map(escape).join('/'));
  return `${[INVENTORY_HEADER, ...lines].join('\n')}\n`;
}

/** Reads text written by encodeInventory; throws INVALID_INVENTORY naming the first bad line. */
export function decodeInventory(text: string): ObjectRef[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== INVENTORY_HEADER) throw invalid(1, `expected the header "${INVENTORY_HEADER}", got "${(lines[0] ?? '').slice(0, 60)}"`);
  const refs: ObjectRef[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((text, index) => {
    const line = index + 2;
    const fields = text.split('/');
    if (fields.length !== 5) throw invalid(line, `"${text.slice(0, 120)}" is not group/version/kind/namespace/name`);
    const [group, version, kind, namespace, name] = fields.map((field) => unescape(field, line)) as [string, string, string, string, string];
    if (!version || !kind || !name) throw invalid(line, `"${text.slice(0, 120)}" lacks a version, kind or name`);
    const ref = { group, version, kind, namespace, name };
    const key = objectKey(ref);
    if (seen.has(key)) throw invalid(line, `"${text.slice(0, 120)}" is listed twice`);
    seen.add(key);
    refs.push(ref);
  });
  return refs.sort(byKey);
}
