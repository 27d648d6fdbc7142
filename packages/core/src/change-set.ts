import { type ErrorCode } from './flotilla-error.js';
import { formatObjectRef, type ObjectRef } from './object-ref.js';

/** What apply did to one object; mirrors flotilla.v1.ChangeAction. */
export const CHANGE_ACTIONS = ['created', 'configured', 'unchanged', 'pruned', 'skipped', 'failed'] as const;

/** What apply did to one object: created, configured, unchanged, pruned, skipped (kept although it left), failed. */
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** Why an object failed: a stable code and a message starting with the object id. */
export interface ChangeError {
  code: ErrorCode;
  message: string;
}

/** One entry of a change set. */
export interface ChangeSetEntry {
  ref: ObjectRef;
  action: ChangeAction;
  /** Set when action is "failed". */
  error?: ChangeError;
}

/** Counts of a change set by action; mirrors flotilla.v1.ChangeSummary. */
export type ChangeSummary = Record<ChangeAction, number>;

/** Counts the entries of a change set per action (every action present, zero when none). */
export function summarizeChangeSet(entries: Iterable<ChangeSetEntry>): ChangeSummary {
  const summary: ChangeSummary = { created: 0, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 };
  for (const entry of entries) summary[entry.action] += 1;
  return summary;
}

/**
 * One line for the reconcile log: the non-zero counts in CHANGE_ACTIONS order, then the first failure
 * ("2 created, 1 failed; first failure: Deployment/web/api dry-run failed: ...").
 */
export function formatChangeSet(entries: readonly ChangeSetEntry[]): string {
  const summary = summarizeChangeSet(entries);
  const counts = CHANGE_ACTIONS.filter((action) => summary[action] > 0).map((action) => `${summary[action]} ${action}`);
  if (counts.length === 0) return 'no objects';
  const failure = entries.find((entry) => entry.action === 'failed');
  const detail = failure ? `; first failure: ${failure.error?.message ?? `${formatObjectRef(failure.ref)}: no error recorded`}` : '';
  return counts.join(', ') + detail;
}
