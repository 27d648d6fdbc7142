import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { RenderFailure } from './render-failure.js';

/** How an App's latest revision rendered: for every target, or not (then none of its clusters got it). */
export interface AppRenderState {
  state: 'Rendered' | 'RenderFailed';
  /** `ref@sha1:<hex>` of the revision rendered. */
  revision: string;
  /** Set when the state is RenderFailed. */
  failure?: RenderFailure;
  /** Clusters whose render failed (all targets when the build itself failed). */
  clusters: string[];
  updatedAt: Date;
}

/** An App's render state changed. */
export interface RenderEvent {
  kind: 'render';
  app: string;
  render: AppRenderState | null;
}

/** The channel of render state changes. */
@Injectable()
export class RenderEvents extends EventChannel<RenderEvent> {}

/**
 * The render state of each App, as the last recomputation of its assignments left it. Held in memory: every hub
 * recomputes (and so renders) every App when it starts.
 */
@Injectable()
export class RenderStatus {
  private readonly states = new Map<string, AppRenderState>();
  private readonly failedGauge;

  constructor(
    metrics: MetricsRegistry,
    private readonly events: RenderEvents,
  ) {
    this.failedGauge = metrics.gauge({ name: 'flotilla_apps_render_failed', help: 'Apps whose latest revision failed to render (RenderFailed)', labelNames: ['app'] });
  }

  /** An App's render state; null before its first render. */
  of(app: string): AppRenderState | null {
    return this.states.get(app) ?? null;
  }

  /** Records an App's render outcome. */
  set(app: string, state: AppRenderState): void {
    const previous = this.states.get(app);
    this.states.set(app, state);
    if (state.state === 'RenderFailed') this.failedGauge.set({ app }, 1);
    else this.failedGauge.remove({ app });
    const same = previous && previous.state === state.state && previous.revision === state.revision && previous.failure?.message === state.failure?.message;
    if (!same) this.events.publish({ kind: 'render', app, render: state });
  }

  /** Forgets a removed App. */
  forget(app: string): void {
    if (!this.states.delete(app)) return;
    this.failedGauge.remove({ app });
    this.events.publish({ kind: 'render', app, render: null });
  }
}
