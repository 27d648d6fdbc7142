import { stripBookkeeping } from './compare-objects.js';
import { diffFields, type FieldDiff } from './diff-fields.js';
import { formatJsonPointer, parseJsonPointer } from './json-pointer.js';
import { fieldsManagedBy } from './fields-managed-by.js';
import { withoutPointers } from './json-pointer-values.js';
import { isPlainObject, type KubeObject, type ManagedFieldsEntry } from './kube-object.js';

/** Options of detectDrift. */
export interface DetectDriftOptions {
  /** The field manager whose fields are compared; default `flotilla`. */
  fieldManager?: string;
  /** JSON pointers of fields that are never drift (ignore rules). */
  ignore?: readonly string[];
}

/** What detectDrift found: the managed fields that differ, and who most likely changed them. */
export interface DriftFinding {
  /** Empty when the object matches its desired state. */
  diffs: FieldDiff[];
  /** The field manager that made the change, when managedFields tell; empty otherwise. */
  manager: string;
  /** When that manager last wrote the object (managedFields `time`, RFC 3339), when known. */
  changedAt?: string;
}

/**
 * Compares a live object with the server-side dry-run apply of its desired state (field manager `fieldManager`, force)
 * and keeps only what is drift: fields the manager owns (in the dry-run result or, for fields the apply would remove,
 * in the live object) whose values differ, outside the ignored pointers. Status and metadata bookkeeping are never
 * compared; defaults the server adds are in both objects, and fields other managers own are not the manager's.
 * The change is attributed to the newest other manager (status writers aside) that owns a drifted field, or, for
 * removed fields nobody owns any more, to the newest other manager that wrote after the manager's own last write.
 */
export function detectDrift(dryRun: KubeObject, live: KubeObject, options: DetectDriftOptions = {}): DriftFinding {
  const fieldManager = options.fieldManager ?? 'flotilla';
  const ignore = options.ignore ?? [];
  const desired = withoutPointers(stripBookkeeping(dryRun), ignore);
  const current = withoutPointers(stripBookkeeping(live), ignore);
  const ownedAfterApply = fieldsManagedBy(dryRun.metadata.managedFields, fieldManager);
  const ownedNow = fieldsManagedBy(live.metadata.managedFields, fieldManager);
  const diffs = diffFields(desired, current)
    .flatMap(toLeaves)
    .filter((diff) => ownedAfterApply.covers(dryRun, diff.path) || ownedNow.covers(live, diff.path));
  if (diffs.length === 0) return { diffs, manager: '' };
  const writer = attributeChange(live.metadata.managedFields ?? [], fieldManager, live, diffs);
  return writer ? { diffs, manager: writer.manager ?? '', ...(writer.time ? { changedAt: writer.time } : {}) } : { diffs, manager: '' };
}

/** A map present on one side only, as one diff per member: a removed label is `/metadata/labels/team`, not all labels. */
function toLeaves(diff: FieldDiff): FieldDiff[] {
  const side = diff.live === undefined ? 'desired' : diff.desired === undefined ? 'live' : undefined;
  const value = side ? diff[side] : undefined;
  if (!side || !isPlainObject(value) || Object.keys(value).length === 0) return [diff];
  const path = parseJsonPointer(diff.path);
  return Object.entries(value).flatMap(([key, member]) => toLeaves({ path: formatJsonPointer([...path, key]), [side]: member }));
}

const timeOf = (entry: ManagedFieldsEntry): number => (entry.time ? Date.parse(entry.time) : Number.NEGATIVE_INFINITY);

function newest(entries: readonly ManagedFieldsEntry[]): ManagedFieldsEntry | undefined {
  let found: ManagedFieldsEntry | undefined;
  for (const entry of entries) if (!found || timeOf(entry) > timeOf(found)) found = entry;
  return found;
}

function attributeChange(entries: readonly ManagedFieldsEntry[], fieldManager: string, live: KubeObject, diffs: readonly FieldDiff[]): ManagedFieldsEntry | undefined {
  const others = entries.filter((e) => e.manager && e.manager !== fieldManager && e.subresource !== 'status');
  const owning = others.filter((entry) => {
    const owned = fieldsManagedBy([entry], entry.manager as string);
    return diffs.some((diff) => owned.covers(live, diff.path));
  });
  if (owning.length > 0) return newest(owning);
  // A field removed by someone is owned by nobody: the likeliest author wrote after the manager's own last write.
  const own = newest(entries.filter((e) => e.manager === fieldManager));
  const since = own ? timeOf(own) : Number.NEGATIVE_INFINITY;
  return newest(others.filter((e) => timeOf(e) >= since));
}
