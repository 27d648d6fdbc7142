import type { DriftView, FieldDiffView } from '@flotilla/api';
import type { Style } from './style.js';

/** Longest value shown in a diff line; longer ones are cut with "…" (`-o json` shows them whole). */
const MAX_VALUE_CHARS = 120;

/** A field's value as a diff line shows it: JSON (strings quoted), `(absent)` when the field is not there. */
export function formatDiffValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** One field diff as `path: desired -> live` (what Git says, then what the cluster has). */
export function formatFieldDiff(diff: FieldDiffView): string {
  return `${diff.path}: ${formatDiffValue(diff.desired)} -> ${formatDiffValue(diff.live)}`;
}

/**
 * The field diffs of drifted objects, one block per object: a heading naming the object, its cluster and who changed
 * it, then one indented line per field (`path: desired -> live`), or that the object was deleted.
 */
export function formatDriftDiffs(items: readonly DriftView[], style: Style): string {
  return items
    .map((item) => {
      const heading = `${style.bold(item.object.id)} on ${item.cluster} (app ${item.app}${item.manager ? `, changed by ${item.manager}` : ''}):`;
      const lines = item.deleted ? ['deleted from the cluster'] : item.diffs.map(formatFieldDiff);
      return [heading, ...lines.map((line) => `  ${line}`)].join('\n');
    })
    .join('\n');
}
