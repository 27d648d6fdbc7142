import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AgentSessionRegistry } from '../agents/agent-session-registry.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { StatusStream } from '../grpc/status-stream.service.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { ClusterAppStatus } from '../status/cluster-app-status.entity.js';
import { StatusEvents } from '../status/status-events.js';
import type { ChangeCounts } from '../status/status-types.js';
import { StatusService } from '../status/status.service.js';

/** Phases always exported (as 0 when none), so dashboards see stable series. */
const KNOWN_PHASES = ['Pending', 'Synced', 'Failed', 'RolledBack'] as const;
const ACTIONS: ReadonlyArray<keyof ChangeCounts> = ['created', 'configured', 'unchanged', 'pruned', 'skipped', 'failed'];

/**
 * The fleet as Prometheus sees it: clusters and connected agents, assignments by phase (read from the database at
 * scrape time, so every replica tells the same story), open streams of this replica, and the reconcile durations and
 * object counts agents report (counted as their reports arrive here).
 */
@Injectable()
export class FleetMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('metrics');
  private subscription: Subscription | undefined;
  private readonly reconcileDuration;
  private readonly objectsApplied;
  private readonly reconciles;

  constructor(
    metrics: MetricsRegistry,
    private readonly clusters: ClustersService,
    private readonly statuses: StatusService,
    private readonly sessions: AgentSessionRegistry,
    private readonly statusStream: StatusStream,
    private readonly events: StatusEvents,
  ) {
    // prom-client calls collect() with the metric as `this`; what it reads comes from these closures.
    const countClusters = () => this.guard(() => this.clusters.count(), 'clusters');
    const countConnected = () => this.guard(() => this.clusters.countConnected(), 'connected agents');
    const countAssignments = () => this.guard(() => this.statuses.countActiveByPhase(), 'assignments');
    const openStreams = () => ({ agent: this.sessions.openStreams, status: this.statusStream.openWatches });
    metrics.gauge({
      name: 'flotilla_clusters',
      help: 'Clusters registered with the hub',
      async collect() {
        const count = await countClusters();
        if (count !== undefined) this.set(count);
      },
    });
    metrics.gauge({
      name: 'flotilla_agents_connected',
      help: 'Clusters whose agent is connected (to any hub replica)',
      async collect() {
        const count = await countConnected();
        if (count !== undefined) this.set(count);
      },
    });
    metrics.gauge({
      name: 'flotilla_open_streams',
      help: 'gRPC streams open on this hub replica: agent (AgentService.Connect) and status (StatusService.Watch)',
      labelNames: ['service'],
      collect() {
        for (const [service, count] of Object.entries(openStreams())) this.set({ service }, count);
      },
    });
    metrics.gauge({
      name: 'flotilla_assignments',
      help: 'Assignments (an app on a cluster) by the phase its agent last reported; Pending until the first report',
      labelNames: ['phase'],
      async collect() {
        const counts = await countAssignments();
        if (counts === undefined) return;
        this.reset();
        for (const phase of KNOWN_PHASES) this.set({ phase }, 0);
        for (const [phase, count] of counts) this.set({ phase }, count);
      },
    });
    this.reconcileDuration = metrics.histogram({
      name: 'flotilla_reconcile_duration_seconds',
      help: 'Duration of reconciles reported by agents (fetch, apply, prune and health wait), by outcome phase',
      labelNames: ['phase'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    });
    this.objectsApplied = metrics.counter({
      name: 'flotilla_objects_applied_total',
      help: 'Objects in the change sets agents reported, by action (created, configured, unchanged, pruned, skipped, failed)',
      labelNames: ['action'],
    });
    this.reconciles = metrics.counter({
      name: 'flotilla_reconciles_total',
      help: 'Reconciles agents reported, by phase and health',
      labelNames: ['phase', 'health'],
    });
  }

  onApplicationBootstrap(): void {
    this.subscription = this.events.events.subscribe((event) => this.observe(event.status));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Counts a reconcile once: agents report after apply (health Progressing) and again when health is known. */
  private observe(status: ClusterAppStatus): void {
    if (status.health === 'Progressing' && status.phase === 'Synced') return;
    this.reconcileDuration.observe({ phase: status.phase }, status.durationMs / 1000);
    this.reconciles.inc({ phase: status.phase, health: status.health });
    for (const action of ACTIONS) {
      const count = status.changes?.[action] ?? 0;
      if (count > 0) this.objectsApplied.inc({ action }, count);
    }
  }

  /** A failed query must not fail the scrape: the series keep their last values and the error is logged. */
  private async guard<T>(read: () => Promise<T>, what: string): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.logger.warn({ msg: 'reading a metric for /metrics failed', metric: what, error: (error as Error).message });
      return undefined;
    }
  }
}
