import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { EventChannel } from '../events/event-channel.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { EventLog } from '../replicas/event-log.js';
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
  /** The state before (null: none known), so that a listener can tell which clusters' failure came or went. */
  previous: AppRenderState | null;
}

/** The channel of render state changes. */
@Injectable()
export class RenderEvents extends EventChannel<RenderEvent> {}

/** The log topic of render states, which replicas share. */
const RENDER_STATE_TOPIC = 'render-state';

/**
 * The render state of each App, as the last recomputation of its assignments left it. Held in memory: every hub
 * recomputes (and so renders) every App when it starts, and replicas tell each other of changes through the fleet
 * event log, so each shows the state the latest render left, wherever it ran.
 */
@Injectable()
export class RenderStatus implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly states = new Map<string, AppRenderState>();
  private readonly failedGauge;
  private subscription: Subscription | undefined;

  constructor(
    metrics: MetricsRegistry,
    private readonly events: RenderEvents,
    private readonly log: EventLog,
  ) {
    this.failedGauge = metrics.gauge({ name: 'flotilla_apps_render_failed', help: 'Apps whose latest revision failed to render (RenderFailed)', labelNames: ['app'] });
  }

  onApplicationBootstrap(): void {
    this.subscription = this.log.fromOthers<{ state: (Omit<AppRenderState, 'updatedAt'> & { updatedAt: string }) | null }>(RENDER_STATE_TOPIC).subscribe((entry) => {
      if (entry.app === null) return;
      const { state } = entry.payload;
      if (state) this.keep(entry.app, { ...state, updatedAt: new Date(state.updatedAt) });
      else this.drop(entry.app);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** An App's render state; null before its first render. */
  of(app: string): AppRenderState | null {
    return this.states.get(app) ?? null;
  }

  /** Records an App's render outcome. */
  set(app: string, state: AppRenderState): void {
    const previous = this.keep(app, state);
    const same = previous && previous.state === state.state && previous.revision === state.revision && previous.failure?.message === state.failure?.message;
    if (same) return;
    this.events.publish({ kind: 'render', app, render: state, previous: previous ?? null });
    this.log.tellOthers({ topic: RENDER_STATE_TOPIC, app, payload: { state } });
  }

  /** Forgets a removed App. */
  forget(app: string): void {
    const previous = this.drop(app);
    if (!previous) return;
    this.events.publish({ kind: 'render', app, render: null, previous });
    this.log.tellOthers({ topic: RENDER_STATE_TOPIC, app, payload: { state: null } });
  }

  private keep(app: string, state: AppRenderState): AppRenderState | undefined {
    const previous = this.states.get(app);
    this.states.set(app, state);
    if (state.state === 'RenderFailed') this.failedGauge.set({ app }, 1);
    else this.failedGauge.remove({ app });
    return previous;
  }

  private drop(app: string): AppRenderState | undefined {
    const previous = this.states.get(app);
    if (!this.states.delete(app)) return undefined;
    this.failedGauge.remove({ app });
    return previous;
  }
}
