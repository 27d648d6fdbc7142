import { isTransientFailure } from '@flotilla/core';
import { isUnsettled, UPDATED_STATES, type ClusterRolloutState, type RolloutKind, type RolloutState } from './rollout-states.js';
import { resolveClusterCount, type RolloutStrategy } from '../apps/rollout-strategy.js';

/** The fields of a rollout the state machine reads and changes. */
export interface RolloutData {
  kind: RolloutKind;
  state: RolloutState;
  commit: string;
  strategy: RolloutStrategy;
  message: string;
  finishedAt: Date | null;
}

/** The fields of one cluster of a rollout the state machine reads and changes. */
export interface RolloutRowData {
  clusterName: string;
  position: number;
  wave: number;
  canary: boolean;
  current: boolean;
  state: ClusterRolloutState;
  fromCommit: string | null;
  generation: number;
  startedAt: Date | null;
  healthySince: Date | null;
  finishedAt: Date | null;
  message: string;
}

/** What the hub knows of one cluster: its assignment and the last status its agent reported. */
export interface ClusterObservation {
  assignment: { commit: string | null; generation: number; active: boolean } | null;
  status: ObservedStatus | null;
}

/** A reported status as the state machine reads it. */
export interface ObservedStatus {
  generation: number;
  revision: string;
  phase: string;
  health: string;
  updatedAt: Date;
  errors: ReadonlyArray<{ code: string; message: string }>;
}

/** A change of a rollout's state. */
export interface RolloutTransition {
  from: RolloutState;
  to: RolloutState;
  message: string;
}

/** What one step changed. */
export interface StepOutcome {
  changedRows: Set<RolloutRowData>;
  transitions: RolloutTransition[];
  /** When the earliest verifying cluster has been healthy long enough: step again then. */
  wakeAt: Date | null;
}

/** What a status says about the revision it answers: healthy, failed, or no verdict yet. */
export function verdictOf(status: ObservedStatus): { verdict: 'healthy' | 'failed' | 'waiting'; message: string } {
  const first = status.errors[0]?.message ?? '';
  switch (status.phase) {
    case 'Synced':
      if (status.health === 'Healthy') return { verdict: 'healthy', message: '' };
      if (status.health === 'Degraded') return { verdict: 'failed', message: first || 'Degraded' };
      return { verdict: 'waiting', message: '' };
    case 'Failed':
      if (status.errors.length > 0 && status.errors.every((e) => isTransientFailure(e.code))) return { verdict: 'waiting', message: `retrying: ${first}` };
      return { verdict: 'failed', message: first || 'apply failed' };
    case 'RolledBack':
      return { verdict: 'failed', message: `its agent rolled it back to ${status.revision}` };
    default:
      return { verdict: 'waiting', message: '' };
  }
}

/**
 * Advances one rollout as far as what the hub knows allows, in place: fills in the generation that carries each
 * cluster's commit, judges clusters by their reported status, applies the failure policy, starts the next wave (or
 * clusters, with max unavailable), and finishes the rollout when no cluster waits for anything. Deterministic for a
 * given input, so a hub that restarts and steps again from the stored state makes the same decisions.
 */
export function stepRollout(
  rollout: RolloutData,
  rows: readonly RolloutRowData[],
  observe: (cluster: string) => ClusterObservation,
  now: Date,
): StepOutcome {
  const outcome: StepOutcome = { changedRows: new Set(), transitions: [], wakeAt: null };
  const live = rows.filter((row) => row.current).sort((a, b) => a.position - b.position);
  const { strategy } = rollout;
  const minHealthyMs = strategy.minHealthySeconds * 1000;

  const setState = (to: RolloutState, message: string): void => {
    if (rollout.state === to && rollout.message === message) return;
    outcome.transitions.push({ from: rollout.state, to, message });
    rollout.state = to;
    rollout.message = message;
  };
  const move = (row: RolloutRowData, state: ClusterRolloutState, fields: Partial<RolloutRowData> = {}): void => {
    Object.assign(row, { state, ...fields });
    outcome.changedRows.add(row);
  };

  const observeRow = (row: RolloutRowData): boolean => {
    if (row.state !== 'updating' && row.state !== 'verifying' && row.state !== 'reverting') return false;
    const before = `${row.state}/${row.generation}`;
    const target = row.state === 'reverting' ? row.fromCommit : rollout.commit;
    const seen = observe(row.clusterName);
    if (row.generation === 0 && seen.assignment?.active && seen.assignment.commit === target) {
      move(row, row.state, { generation: seen.assignment.generation });
    }
    const status = seen.status;
    if (row.generation > 0 && status && status.generation >= row.generation) {
      const { verdict, message } = verdictOf(status);
      if (row.state === 'updating' && verdict === 'healthy') move(row, 'verifying', { healthySince: status.updatedAt, message: '' });
      else if ((row.state === 'updating' || row.state === 'verifying') && verdict === 'failed') move(row, 'failed', { finishedAt: now, message });
      else if (row.state === 'updating' && message !== row.message) move(row, 'updating', { message });
      else if (row.state === 'reverting' && verdict === 'healthy') move(row, 'reverted', { finishedAt: now, message: '' });
      else if (row.state === 'reverting' && verdict === 'failed') move(row, 'revert-failed', { finishedAt: now, message });
    }
    if (row.state === 'verifying' && row.healthySince && now.getTime() - row.healthySince.getTime() >= minHealthyMs) {
      move(row, 'succeeded', { finishedAt: now });
    }
    return `${row.state}/${row.generation}` !== before;
  };

  const applyFailurePolicy = (): boolean => {
    if (rollout.state !== 'progressing' && rollout.state !== 'paused') return false;
    const failed = live.filter((row) => row.state === 'failed');
    if (failed.length <= strategy.maxFailures) return false;
    const first = failed[0] as RolloutRowData;
    const reason = `${failed.length} cluster(s) failed, more than the ${strategy.maxFailures} tolerated; ${first.clusterName}: ${first.message}`;
    if (strategy.onFailure === 'rollback' && rollout.kind === 'update') {
      setState('rolling-back', reason);
      for (const row of live) {
        if (!UPDATED_STATES.has(row.state)) continue;
        if (row.fromCommit === null || row.fromCommit === rollout.commit) {
          move(row, row.state, { message: row.message || 'no earlier revision to return to' });
          continue;
        }
        move(row, 'reverting', { generation: 0, healthySince: null, finishedAt: null });
      }
    } else {
      setState('halted', reason);
    }
    return true;
  };

  const startRows = (): boolean => {
    const pending = live.filter((row) => row.state === 'pending');
    if (pending.length === 0) return false;
    const inFlight = live.filter((row) => row.state === 'updating' || row.state === 'verifying').length;
    let starting: RolloutRowData[];
    if (live.some((row) => row.canary && isUnsettled(row.state))) {
      // The canaries go alone, all at once; nothing else starts until each of them has succeeded or failed.
      starting = pending.filter((row) => row.canary);
    } else if (strategy.maxUnavailable !== null) {
      const limit = resolveClusterCount(strategy.maxUnavailable, live.filter((row) => !row.canary).length);
      starting = pending.slice(0, Math.max(0, limit - inFlight));
    } else {
      // Clusters that joined a wave already under way go at once; a new wave waits until the others have settled.
      const started = Math.max(-1, ...live.filter((row) => row.state !== 'pending').map((row) => row.wave));
      starting = pending.filter((row) => row.wave <= started);
      if (starting.length === 0 && inFlight === 0) {
        const wave = Math.min(...pending.map((row) => row.wave));
        starting = pending.filter((row) => row.wave === wave);
      }
    }
    for (const row of starting) move(row, 'updating', { startedAt: now, generation: 0, message: '' });
    return starting.length > 0;
  };

  // Each pass may settle clusters that were already where the rollout takes them, which may start the next wave.
  for (let pass = 0; pass <= live.length + 1; pass++) {
    let moved = false;
    for (const row of live) moved = observeRow(row) || moved;
    moved = applyFailurePolicy() || moved;
    if (rollout.state === 'progressing') moved = startRows() || moved;
    if (!moved) break;
  }

  // Pending clusters keep the rollout open only while it may still start them; an aborted one or one rolling back won't.
  const mayStart = rollout.state === 'progressing' || rollout.state === 'paused' || rollout.state === 'halted';
  const waiting = live.some((row) => isUnsettled(row.state) && (row.state !== 'pending' || mayStart));
  if (rollout.finishedAt === null && !waiting) {
    rollout.finishedAt = now;
    const taken = live.length === 0 && rows.some((row) => row.state === 'superseded');
    const failed = live.filter((row) => row.state === 'failed').length;
    if (rollout.state === 'progressing' || rollout.state === 'paused') {
      setState(taken ? 'superseded' : 'completed', taken ? 'a newer rollout took its clusters' : failed > 0 ? `${failed} cluster(s) failed, within the ${strategy.maxFailures} tolerated` : '');
    } else if (rollout.state === 'halted' && taken) {
      setState('superseded', `${rollout.message}; then a newer rollout took its clusters`);
    } else if (rollout.state === 'rolling-back') {
      const reverted = live.filter((row) => row.state === 'reverted').length;
      const notReverted = live.filter((row) => row.state === 'revert-failed').length;
      setState('rolling-back', `${rollout.message}; rolled back: ${reverted} cluster(s) returned to their previous revision${notReverted > 0 ? `, ${notReverted} failed to` : ''}`);
    }
  }

  for (const row of live) {
    if (row.state !== 'verifying' || !row.healthySince) continue;
    const at = new Date(row.healthySince.getTime() + minHealthyMs);
    if (outcome.wakeAt === null || at < outcome.wakeAt) outcome.wakeAt = at;
  }
  return outcome;
}
