import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Metric,
  Registry,
} from 'prom-client';

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'flotilla_';

/**
 * The hub's one Prometheus registry. Modules define their metrics where they update them, through the get-or-create
 * methods here, so two modules naming the same metric (with the same type and labels) share it instead of failing at
 * start-up. Each hub has its own registry (never prom-client's global one), so several hubs fit in one process.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: `${METRIC_PREFIX}hub_` });
  }

  /** The gauge of this name, created on first use. */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.getOrCreate(config, Gauge, () => new Gauge({ ...config, registers: [this.registry] }));
  }

  /** The counter of this name, created on first use. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return this.getOrCreate(config, Counter, () => new Counter({ ...config, registers: [this.registry] }));
  }

  /** The histogram of this name, created on first use. */
  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.getOrCreate(config, Histogram, () => new Histogram({ ...config, registers: [this.registry] }));
  }

  /** The exposition text of every metric. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content-Type of metrics(). */
  get contentType(): string {
    return this.registry.contentType;
  }

  private getOrCreate<M extends Metric>(
    config: { name: string; labelNames?: readonly string[] },
    type: abstract new (...args: never[]) => M,
    create: () => M,
  ): M {
    if (!config.name.startsWith(METRIC_PREFIX)) throw new Error(`metric ${config.name} must start with ${METRIC_PREFIX}`);
    const existing = this.registry.getSingleMetric(config.name);
    if (!existing) return create();
    const labels = (existing as unknown as { labelNames: string[] }).labelNames;
    if (!(existing instanceof type) || [...labels].sort().join() !== [...(config.labelNames ?? [])].sort().join()) {
      throw new Error(`metric ${config.name} is already defined as a ${existing.constructor.name} with labels [${labels.join(', ')}]`);
    }
    return existing;
  }
}
