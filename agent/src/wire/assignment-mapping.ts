import {
  type Assignment,
  ChangeAction as WireChangeAction,
  DriftMode,
  Health,
  Phase,
  type StatusReport,
  toTimestamp,
} from '@flotilla/proto';
import type { ChangeSetEntry } from '@flotilla/core';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import type { ReconcileReport, ReportHealth, ReportPhase } from '../assignment/reconcile-report.js';

// The agent-side edge between generated wire types and the agent's domain.

const DRIFT_MODES: Record<string, AgentAssignment['policy']['driftMode']> = {
  [DriftMode.DRIFT_MODE_CORRECT]: 'correct',
  [DriftMode.DRIFT_MODE_OFF]: 'off',
};

/** The domain form of an Assignment message. */
export function fromAssignmentMessage(message: Assignment): AgentAssignment {
  // source.credentials is never read: a rendering hub sends none, and the agent fetches no Git.
  return {
    app: message.app,
    generation: Number(message.generation),
    source: {
      url: message.source?.url ?? '',
      ref: message.source?.ref ?? '',
      commit: message.source?.commit ?? '',
    },
    revision: message.revision,
    path: message.path,
    variables: { ...message.variables },
    defaultNamespace: message.defaultNamespace || 'default',
    policy: {
      prune: message.policy?.prune ?? true,
      driftMode: DRIFT_MODES[message.policy?.driftMode ?? ''] ?? 'report',
      healthTimeoutMs: message.policy?.healthTimeoutMs || 300_000,
      autoRollback: message.policy?.autoRollback ?? false,
      driftCheckIntervalMs: message.policy?.driftCheckIntervalMs ?? 0,
      driftIgnore: (message.policy?.driftIgnore ?? []).map((rule) => ({
        kind: rule.kind,
        namespace: rule.namespace,
        name: rule.name,
        jsonPointers: [...(rule.jsonPointers ?? [])],
      })),
      correctionBackoffMaxMs: message.policy?.correctionBackoffMaxMs ?? 0,
      maxCorrections: message.policy?.maxCorrections ?? 0,
      createNamespace: message.policy?.createNamespace ?? false,
    },
    pinned: message.pinned,
    ...(message.artifact?.digest ? { artifact: { digest: message.artifact.digest, size: Number(message.artifact.size) } } : {}),
  };
}

const PHASES: Record<ReportPhase, Phase> = {
  Synced: Phase.PHASE_SYNCED,
  Failed: Phase.PHASE_FAILED,
  RolledBack: Phase.PHASE_ROLLED_BACK,
};

const HEALTHS: Record<ReportHealth, Health> = {
  Healthy: Health.HEALTH_HEALTHY,
  Progressing: Health.HEALTH_PROGRESSING,
  Degraded: Health.HEALTH_DEGRADED,
  Unknown: Health.HEALTH_UNKNOWN,
};

const ACTIONS: Record<ChangeSetEntry['action'], WireChangeAction> = {
  created: WireChangeAction.CHANGE_ACTION_CREATED,
  configured: WireChangeAction.CHANGE_ACTION_CONFIGURED,
  unchanged: WireChangeAction.CHANGE_ACTION_UNCHANGED,
  pruned: WireChangeAction.CHANGE_ACTION_PRUNED,
  skipped: WireChangeAction.CHANGE_ACTION_SKIPPED,
  failed: WireChangeAction.CHANGE_ACTION_FAILED,
};

/** Most per-object changes one report carries; the summary always counts them all. */
export const MAX_REPORTED_CHANGES = 500;

/** The wire form of a reconcile report. Unchanged objects are left out of the per-object list. */
export function toStatusReport(report: ReconcileReport): StatusReport {
  return {
    reportId: report.reportId,
    app: report.app,
    generation: report.generation,
    revision: report.revision,
    phase: PHASES[report.phase],
    health: HEALTHS[report.health],
    summary: report.summary,
    changes: report.changes
      .filter((c) => c.action !== 'unchanged')
      .slice(0, MAX_REPORTED_CHANGES)
      .map((c) => ({ object: c.ref, action: ACTIONS[c.action], error: c.error ? { code: c.error.code, message: c.error.message, file: '', line: 0 } : undefined })),
    errors: report.errors.map(toErrorDetail),
    startedAt: toTimestamp(report.startedAt),
    durationMs: report.durationMs,
    inventory: report.inventory,
    rollback: report.rollback
      ? { failedRevision: report.rollback.failedRevision, restoredRevision: report.rollback.restoredRevision, reason: toErrorDetail(report.rollback.reason) }
      : undefined,
    nothingApplied: report.nothingApplied === true,
  };
}

function toErrorDetail(error: ReconcileReport['errors'][number]): NonNullable<StatusReport['errors']>[number] {
  return { code: error.code, message: error.message, object: error.object, file: error.file ?? '', line: error.line ?? 0 };
}
