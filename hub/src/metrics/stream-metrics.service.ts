import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RolloutState, type StatusEvent } from '@flotilla/proto';
import type { Subscription } from 'rxjs';
import { StatusStream } from '../status/status-stream.service.js';
import { MetricsRegistry } from './metrics-registry.js';

/** Rollout states as metric label values: `ROLLOUT_STATE_ROLLING_BACK` → `RollingBack`. */
const ROLLOUT_STATES = Object.values(RolloutState)
  .filter((state) => state !== RolloutState.ROLLOUT_STATE_UNSPECIFIED && state !== RolloutState.UNRECOGNIZED)
  .map((state) => [state, labelOf(state)] as const);

function labelOf(state: string): string {
  return state
    .replace('ROLLOUT_STATE_', '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * Rollout progress, folded from the hub's own status stream: the rollouts module publishes RolloutEvents there, so these
 * gauges follow without knowing it. (Drifted objects are counted from the database by the drift module, so every
 * replica agrees.)
 */
@Injectable()
export class StreamMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private readonly rolloutClusters;
  private readonly rolloutWave;
  private readonly rolloutState;

  constructor(
    metrics: MetricsRegistry,
    private readonly stream: StatusStream,
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
    this.subscription = this.stream
      .watch({ clusters: [], apps: [], resumeFrom: '', skipSnapshot: true }, { internal: true })
      .subscribe({ next: (event) => this.observe(event), error: () => undefined });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Folds one status-stream event into the gauges. */
  observe(event: StatusEvent): void {
    if (event.rollout) {
      const { app } = event.rollout;
      this.rolloutClusters.set({ app, status: 'total' }, event.rollout.totalClusters);
      this.rolloutClusters.set({ app, status: 'updated' }, event.rollout.updatedClusters);
      this.rolloutClusters.set({ app, status: 'failed' }, event.rollout.failedClusters);
      this.rolloutWave.set({ app }, event.rollout.wave);
      for (const [state, label] of ROLLOUT_STATES) this.rolloutState.set({ app, state: label }, state === event.rollout.state ? 1 : 0);
    }
  }
}
