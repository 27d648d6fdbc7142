import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { type RolloutEvent, RolloutEvents } from './rollout-events.js';
import type { RolloutState } from './rollout-states.js';

/** Rollout states as metric label values: `rolling-back` → `RollingBack`. */
const STATE_LABELS: Record<RolloutState, string> = {
  progressing: 'Progressing',
  paused: 'Paused',
  halted: 'Halted',
  'rolling-back': 'RollingBack',
  completed: 'Completed',
  aborted: 'Aborted',
  superseded: 'Superseded',
};

/**
 * Rollout progress, folded from the rollout events. (Drifted objects are counted from the database by the drift
 * module, so every replica agrees.)
 */
@Injectable()
export class RolloutMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private readonly rolloutClusters;
  private readonly rolloutWave;
  private readonly rolloutState;

  constructor(
    metrics: MetricsRegistry,
    private readonly events: RolloutEvents,
  ) {
    this.rolloutClusters = metrics.gauge({
      name: 'flotilla_rollout_clusters',
      help: 'Clusters of the latest rollout of each app: total, updated so far, failed',
      labelNames: ['app', 'status'],
    });
    this.rolloutWave = metrics.gauge({
      name: 'flotilla_rollout_wave',
      help: 'Current wave of the latest rollout of each app (0 is the canary wave when there is one)',
      labelNames: ['app'],
    });
    this.rolloutState = metrics.gauge({
      name: 'flotilla_rollout_state',
      help: 'State of the latest rollout of each app: 1 for the current state, 0 for the others',
      labelNames: ['app', 'state'],
    });
  }

  onApplicationBootstrap(): void {
    this.subscription = this.events.events.subscribe((event) => this.observe(event));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Folds one rollout event into the gauges. */
  observe({ rollout }: RolloutEvent): void {
    const { app } = rollout;
    this.rolloutClusters.set({ app, status: 'total' }, rollout.total);
    this.rolloutClusters.set({ app, status: 'updated' }, rollout.updated);
    this.rolloutClusters.set({ app, status: 'failed' }, rollout.clusters.failed);
    this.rolloutWave.set({ app }, rollout.wave);
    for (const [state, label] of Object.entries(STATE_LABELS)) this.rolloutState.set({ app, state: label }, state === rollout.state ? 1 : 0);
  }
}
