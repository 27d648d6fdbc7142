import { Injectable } from '@nestjs/common';
import { formatRevision } from '@flotilla/core';
import { AuditService } from '../audit/audit.service.js';
import { RolloutEvents } from './rollout-events.js';
import type { RolloutCluster } from './rollout-cluster.entity.js';
import type { RolloutState } from './rollout-states.js';
import { summarizeRollout } from './rollout-summary.js';
import type { Rollout } from './rollout.entity.js';
import type { RolloutTransition } from './step-rollout.js';

/** Audit actions of the state changes the hub makes by itself. */
const AUTOMATIC_ACTIONS: Partial<Record<RolloutState, string>> = {
  halted: 'rollout.halt',
  'rolling-back': 'rollout.rollback',
  completed: 'rollout.complete',
  superseded: 'rollout.supersede',
};

/** Tells the fleet about rollouts: each step on the status stream, each decision in the audit log. */
@Injectable()
export class RolloutNotifier {
  constructor(
    private readonly events: RolloutEvents,
    private readonly audit: AuditService,
  ) {}

  /** Sends where a rollout is on the status stream. */
  publish(rollout: Rollout, rows: readonly RolloutCluster[]): void {
    this.events.publish({ kind: 'rollout', rollout: summarizeRollout(rollout, rows) });
  }

  /** Records an operation on a rollout. */
  async record(actor: string, action: string, rollout: Rollout, details: Record<string, unknown> = {}): Promise<void> {
    await this.audit.record({
      actor,
      action,
      target: `rollout/${rollout.id}`,
      result: 'success',
      details: { app: rollout.appName, kind: rollout.kind, revision: formatRevision({ ref: rollout.ref, commit: rollout.commit }), ...details },
    });
  }

  /** Records a rollout that started. */
  async started(rollout: Rollout, rows: readonly RolloutCluster[]): Promise<void> {
    await this.record(rollout.createdBy, 'rollout.start', rollout, { clusters: rows.map((row) => row.clusterName), strategy: rollout.strategy });
  }

  /** Records the state changes the hub made by itself (halts, rollbacks, completions). */
  async transitioned(rollout: Rollout, transition: RolloutTransition): Promise<void> {
    const finishedRollback = transition.from === 'rolling-back' && transition.to === 'rolling-back';
    const action = finishedRollback ? 'rollout.rolled-back' : AUTOMATIC_ACTIONS[transition.to];
    if (action) await this.record('system', action, rollout, { from: transition.from, message: transition.message });
  }
}
