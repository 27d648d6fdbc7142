import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';

/**
 * The hub's Prometheus registry, served at `/metrics`. Modules register their own `flotilla_…` metrics on `registry`
 * (`new Gauge({ …, registers: [metrics.registry] })`); values computed from the database belong in a `collect()`
 * callback, so every hub replica answers with the same figures.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** The exposition text of every registered metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of render()'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
