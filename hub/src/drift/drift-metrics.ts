import { Injectable } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { DriftService } from './drift.service.js';

/** `flotilla_drifted_objects{cluster, app}`: read from the database at each scrape, so every replica agrees. */
@Injectable()
export class DriftMetrics {
  readonly driftedObjects: Gauge<'cluster' | 'app'>;

  constructor(metrics: MetricsRegistry, drift: DriftService) {
    this.driftedObjects = metrics.gauge({
      name: 'flotilla_drifted_objects',
      help: 'Objects that differ from their desired state now, by cluster and app.',
      labelNames: ['cluster', 'app'] as const,
      async collect() {
        const counts = await drift.counts();
        this.reset();
        for (const { cluster, app, count } of counts) this.set({ cluster, app }, count);
      },
    });
  }
}
