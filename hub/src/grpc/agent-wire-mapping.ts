import { formatRevision } from '@flotilla/core';
import {
  type Assignment as AssignmentMessage,
  DriftMode,
  Health,
  type HubMessage,
  type ObjectRef,
  Phase,
  type StatusReport,
} from '@flotilla/proto';
import type { Assignment } from '../assignments/assignment.entity.js';
import type { AgentReport } from '../status/agent-report.js';
import type { AppHealth, AppPhase } from '../status/status-types.js';

// The hub-side edge between generated wire types and the hub's domain. Messages arrive through proto-loader,
// where unset message fields are null and enums are their names.

const DRIFT_MODES = { report: DriftMode.DRIFT_MODE_REPORT, correct: DriftMode.DRIFT_MODE_CORRECT, off: DriftMode.DRIFT_MODE_OFF } as const;

/**
 * The wire form of an active assignment: the artifact to fetch and apply. The source is there for reports only and
 * carries no credentials: the hub renders, agents never fetch Git.
 */
export function toAssignmentMessage(assignment: Assignment): HubMessage {
  const commit = assignment.commit as string;
  const message: AssignmentMessage = {
    app: assignment.appName,
    generation: assignment.generation,
    source: {
      url: assignment.sourceUrl,
      ref: assignment.ref,
      commit,
      credentials: undefined,
    },
    revision: formatRevision({ ref: assignment.ref, commit }),
    path: assignment.path,
    variables: assignment.variables,
    defaultNamespace: assignment.defaultNamespace,
    policy: {
      prune: assignment.policy.prune,
      driftMode: DRIFT_MODES[assignment.policy.drift.mode],
      driftIgnore: assignment.policy.drift.ignore.map((rule) => ({
        kind: rule.kind ?? '',
        name: rule.name ?? '',
        namespace: rule.namespace ?? '',
        jsonPointers: rule.jsonPointers ?? [],
      })),
      healthTimeoutMs: assignment.policy.health.timeoutSeconds * 1000,
      autoRollback: assignment.policy.rollback.auto,
      driftCheckIntervalMs: assignment.policy.drift.checkIntervalSeconds * 1000,
      correctionBackoffMaxMs: (assignment.policy.drift.correctionBackoffMaxSeconds ?? 0) * 1000,
      maxCorrections: assignment.policy.drift.maxCorrections ?? 0,
      createNamespace: assignment.policy.createNamespace ?? false,
    },
    pinned: assignment.pinned,
    artifact: assignment.artifactDigest ? { digest: assignment.artifactDigest, size: assignment.artifactSize ?? 0 } : undefined,
  };
  return { assignment: message };
}

/** The wire form of a removal. */
export function toUnassignmentMessage(assignment: Assignment): HubMessage {
  return { unassignment: { app: assignment.appName, generation: assignment.generation, prune: assignment.policy.prune } };
}

const PHASES: Record<string, AppPhase> = {
  [Phase.PHASE_PENDING]: 'Pending',
  [Phase.PHASE_FETCHING]: 'Fetching',
  [Phase.PHASE_APPLYING]: 'Applying',
  [Phase.PHASE_SYNCED]: 'Synced',
  [Phase.PHASE_FAILED]: 'Failed',
  [Phase.PHASE_ROLLED_BACK]: 'RolledBack',
};

const HEALTHS: Record<string, AppHealth> = {
  [Health.HEALTH_HEALTHY]: 'Healthy',
  [Health.HEALTH_PROGRESSING]: 'Progressing',
  [Health.HEALTH_DEGRADED]: 'Degraded',
  [Health.HEALTH_UNKNOWN]: 'Unknown',
};

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function formatObjectRef(ref: ObjectRef | null | undefined): string | undefined {
  if (!ref) return undefined;
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** The domain form of a status report. */
export function fromStatusReport(report: StatusReport): AgentReport {
  const summary = report.summary ?? { created: 0, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 };
  return {
    reportId: report.reportId,
    app: report.app,
    generation: Number(report.generation),
    revision: report.revision,
    phase: PHASES[report.phase] ?? 'Unknown',
    health: HEALTHS[report.health] ?? 'Unknown',
    changes: {
      created: summary.created,
      configured: summary.configured,
      unchanged: summary.unchanged,
      pruned: summary.pruned,
      skipped: summary.skipped,
      failed: summary.failed,
    },
    errors: (report.errors ?? []).map((e) => ({
      code: e.code,
      message: e.message,
      ...(formatObjectRef(e.object) ? { object: formatObjectRef(e.object) } : {}),
      ...(e.file ? { file: e.file } : {}),
      ...(e.line ? { line: e.line } : {}),
    })),
    durationMs: report.durationMs,
    inventory: (report.inventory ?? []).map((ref) => formatObjectRef(ref) as string),
    ...(report.rollback
      ? {
          rollback: {
            failedRevision: report.rollback.failedRevision,
            restoredRevision: report.rollback.restoredRevision,
            reason: report.rollback.reason?.message ?? '',
          },
        }
      : {}),
    ...(report.nothingApplied ? { nothingApplied: true } : {}),
  };
}
