import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChangeAction } from '@flotilla/core';
import type { ReconcileReport } from '../assignment/reconcile-report.js';
import type { ReconcileSink } from '../reconciler/reconciler.js';

/** What the agent's gauges read at scrape time. */
export interface AgentMetricsSources {
  isConnected(): boolean;
  /** Reports and acks waiting for the hub. */
  pending(): number;
  /** Reports and acks dropped because the outbox was full (kept across restarts). */
  dropped(): number;
  /** Apps this agent holds an assignment for. */
  apps(): number;
}

/**
 * The agent's Prometheus metrics, on a registry of its own (several agents fit in one process): reconciles, their
 * durations and the objects they applied, counted as reports leave the reconciler, and the hub connection's state.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly reconcileDuration = new Histogram({
    name: 'flotilla_agent_reconcile_duration_seconds',
    help: 'Duration of reconciles (fetch, apply, prune and health wait), by app and outcome phase',
    labelNames: ['app', 'phase'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly reconciles = new Counter({
    name: 'flotilla_agent_reconciles_total',
    help: 'Reconciles by app, phase and health',
    labelNames: ['app', 'phase', 'health'],
    registers: [this.registry],
  });
  private readonly objectsApplied = new Counter({
    name: 'flotilla_agent_objects_applied_total',
    help: 'Objects in the change sets of reconciles, by app and action (created, configured, unchanged, pruned, skipped, failed)',
    labelNames: ['app', 'action'],
    registers: [this.registry],
  });

  constructor(sources: AgentMetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'flotilla_agent_' });
    new Gauge({
      name: 'flotilla_agent_hub_connected',
      help: '1 while the stream to the hub is up, else 0',
      registers: [this.registry],
      collect() {
        this.set(sources.isConnected() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'flotilla_agent_outbox_messages',
      help: 'Reports and acks waiting for the hub',
      registers: [this.registry],
      collect() {
        this.set(sources.pending());
      },
    });
    new Gauge({
      name: 'flotilla_agent_outbox_dropped',
      help: 'Reports and acks dropped because the outbox was full while the hub was away, since the agent started (with those a previous run had not told the hub of)',
      registers: [this.registry],
      collect() {
        this.set(sources.dropped());
      },
    });
    new Gauge({
      name: 'flotilla_agent_apps',
      help: 'Apps this agent holds an assignment for',
      registers: [this.registry],
      collect() {
        this.set(sources.apps());
      },
    });
  }

  /** The same sink, counting each reconcile on its way to the hub. */
  instrument(sink: ReconcileSink): ReconcileSink {
    return {
      report: (report) => {
        this.observe(report);
        sink.report(report);
      },
      ack: (app, generation) => sink.ack(app, generation),
    };
  }

  /** Counts a reconcile once: its first report (after apply, health Progressing) is followed by a final one. */
  observe(report: ReconcileReport): void {
    if (report.phase === 'Synced' && report.health === 'Progressing') return;
    const { app, phase, health } = report;
    this.reconcileDuration.observe({ app, phase }, report.durationMs / 1000);
    this.reconciles.inc({ app, phase, health });
    const counts = new Map<ChangeAction, number>();
    for (const change of report.changes) counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
    for (const [action, count] of counts) this.objectsApplied.inc({ app, action }, count);
  }
}
