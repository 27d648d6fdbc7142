import type { Logger } from 'pino';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import type { ReconcileReport, ReportError } from '../assignment/reconcile-report.js';
import type { RollbackState, RollbackStore, RolledBack } from './rollback-store.js';

/** Failures that say nothing about the revision (the agent retries them): no reason to roll back. */
const NOT_THE_REVISION = /^(ARTIFACT_.*|INVALID_ARTIFACT|UNAVAILABLE|RESOURCE_EXHAUSTED|INTERNAL)$/;

/** Whether a report says the revision itself failed here: an apply error, or Degraded (a health timeout included). */
export function isRevisionFailure(report: Pick<ReconcileReport, 'phase' | 'health' | 'errors'>): boolean {
  if (report.phase === 'Synced') return report.health === 'Degraded';
  if (report.phase !== 'Failed') return false;
  return report.errors.length > 0 && !report.errors.some((error) => NOT_THE_REVISION.test(error.code));
}

/** Whether two assignments would apply the same objects (so returning from one to the other would change nothing). */
function isSameContent(a: AgentAssignment, b: AgentAssignment): boolean {
  const content = (x: AgentAssignment) => JSON.stringify([x.artifact?.digest ?? '', x.defaultNamespace]);
  return content(a) === content(b);
}

/**
 * One reconcile of an assignment (the reconciler's, handed in): it reports as it goes, each report passed through
 * `relabel` first, and resolves with the last one.
 */
export type ReconcileFunction = (assignment: AgentAssignment, signal: AbortSignal, relabel?: (report: ReconcileReport) => ReconcileReport) => Promise<ReconcileReport>;

/** Options of AutoRollback. */
export interface AutoRollbackOptions {
  store: RollbackStore;
  logger: Logger;
}

/**
 * Reconciles with automatic rollback: remembers the last assignment that became healthy (its artifact stays stored), and when a newer one fails
 * here (apply error, Degraded, health timeout) and its policy allows, applies the remembered one instead and reports
 * the App RolledBack, hub or no hub. The failed generation is not applied again, even after a restart, until a newer
 * generation arrives; until then every reconcile enforces the restored revision.
 */
export class AutoRollback {
  private readonly states = new Map<string, RollbackState>();

  constructor(private readonly options: AutoRollbackOptions) {}

  /** One reconcile of an assignment with the given reconcile function, rolling back when it fails and its policy allows. */
  async reconcile(reconcile: ReconcileFunction, assignment: AgentAssignment, signal: AbortSignal): Promise<ReconcileReport> {
    const state = await this.stateOf(assignment.app);
    if (state.healthy && state.rolledBack?.generation === assignment.generation) {
      return this.restore(reconcile, assignment, state.healthy, state.rolledBack, signal);
    }
    const report = await reconcile(assignment, signal);
    if (signal.aborted) return report;
    if (report.phase === 'Synced' && report.health === 'Healthy') {
      if (state.healthy?.generation !== assignment.generation || state.rolledBack) await this.update(assignment.app, { healthy: assignment });
      return report;
    }
    const healthy = state.healthy;
    if (!assignment.policy.autoRollback || !healthy || !isRevisionFailure(report) || isSameContent(healthy, assignment)) return report;
    const reason: ReportError = report.errors[0] ?? { code: 'DEGRADED', message: `${assignment.revision} is ${report.health}` };
    const rolledBack: RolledBack = { generation: assignment.generation, failedRevision: assignment.revision, restoredRevision: healthy.revision, reason };
    // Written before the restore starts, so an agent restarted in the middle carries on restoring.
    await this.update(assignment.app, { healthy, rolledBack });
    this.options.logger.warn(
      { app: assignment.app, revision: assignment.revision, generation: assignment.generation, restored: healthy.revision, code: reason.code, err: reason.message },
      'revision failed; rolling back to the last healthy revision',
    );
    return this.restore(reconcile, assignment, healthy, rolledBack, signal);
  }

  /** The artifacts a rollback of these Apps would return to (the last healthy one of each), which must stay stored. */
  async retainedArtifacts(apps: readonly string[]): Promise<string[]> {
    const digests: string[] = [];
    for (const app of apps) {
      const digest = (await this.stateOf(app)).healthy?.artifact?.digest;
      if (digest) digests.push(digest);
    }
    return digests;
  }

  /** Forgets an App that was removed from this cluster. */
  async forget(app: string): Promise<void> {
    this.states.delete(app);
    await this.options.store.remove(app);
  }

  /** Applies the last healthy assignment in place of the failed generation; every report of it says RolledBack. */
  private async restore(reconcile: ReconcileFunction, failed: AgentAssignment, healthy: AgentAssignment, rolledBack: RolledBack, signal: AbortSignal): Promise<ReconcileReport> {
    const rollback = { failedRevision: rolledBack.failedRevision, restoredRevision: rolledBack.restoredRevision, reason: rolledBack.reason };
    const asRolledBack = (report: ReconcileReport): ReconcileReport => ({ ...report, phase: 'RolledBack', rollback });
    // The healthy content under the failed generation (which is what is acked), with the current policy.
    const restoring: AgentAssignment = { ...healthy, generation: failed.generation, policy: failed.policy, pinned: failed.pinned };
    const report = await reconcile(restoring, signal, asRolledBack);
    return asRolledBack(report);
  }

  private async stateOf(app: string): Promise<RollbackState> {
    let state = this.states.get(app);
    if (!state) {
      state = await this.options.store.load(app);
      this.states.set(app, state);
    }
    return state;
  }

  private async update(app: string, state: RollbackState): Promise<void> {
    await this.options.store.save(app, state);
    this.states.set(app, state);
  }
}
