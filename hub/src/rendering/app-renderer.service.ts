import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConcurrencyLimit, encodeArtifact, FlotillaError, isVariableName, referencedVariables } from '@flotilla/core';
import { type ArtifactRef, ArtifactsService } from '../artifacts/artifacts.service.js';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { type BuiltApp, buildApp, findRenderTools, type RenderToolsOptions, substituteArtifact } from '@flotilla/render';
import { type RenderFailure, toRenderFailure } from './render-failure.js';
import { type CheckoutRequest, SourceCheckouts } from './source-checkouts.js';

/** Builds kept in memory, newest first: the inputs of an App's path at a commit, shared by every cluster. */
const KEPT_BUILDS = 64;
/**
 * How long a cluster's artifact of a build, once stored, is taken as stored without asking the database again: well
 * inside ArtifactRetention's grace (an hour), so retention cannot have collected it meanwhile.
 */
const STORED_FRESH_MS = 5 * 60_000;

/** What to render: one App's path at one commit of its Source. */
export interface RenderRequest {
  app: string;
  path: string;
  allowRemoteBases: boolean;
  source: CheckoutRequest;
}

/** The variables of one cluster. */
export interface ClusterVariables {
  cluster: string;
  variables: Readonly<Record<string, string>>;
}

/** One cluster's artifact, or why it has none. */
export type ClusterRenderOutcome = { artifact: ArtifactRef } | { failure: RenderFailure };

/** Per cluster, its artifact or why it has none. */
export type RenderOutcome = Map<string, ClusterRenderOutcome>;

/** A cluster's outcome of one build, remembered for clusters with the same variables (and the next recompute). */
interface Substituted {
  outcome: Promise<ClusterRenderOutcome>;
  at: number;
}

/**
 * Renders Apps on the hub: one build per (commit, path, render options), however many clusters and Apps share it,
 * under a bound on concurrent tool runs; then each cluster's variables are substituted and each distinct artifact is
 * stored once. A build remembers the outcome of each set of variables: an App's assignments are computed again at
 * every step of a rollout (each status report of its clusters), and without that every recompute substituted, encoded
 * and stored the artifact of every target again (at 100 clusters, most of the hub's CPU during a fleet-wide commit).
 */
@Injectable()
export class AppRenderer implements OnApplicationBootstrap {
  private readonly logger = new Logger('rendering');
  private readonly builds = new Map<string, Promise<BuiltApp>>();
  /** Per build (as long as it is kept), the outcome of each set of cluster variables. */
  private readonly substituted = new WeakMap<BuiltApp, Map<string, Substituted>>();
  private readonly referenced = new WeakMap<BuiltApp, readonly string[]>();
  private readonly limit: ConcurrencyLimit;
  private tools: RenderToolsOptions;
  private readonly renders;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly checkouts: SourceCheckouts,
    private readonly artifacts: ArtifactsService,
    metrics: MetricsRegistry,
  ) {
    this.limit = new ConcurrencyLimit(config.renderConcurrency);
    this.tools = { kustomizePath: config.kustomizePath ?? null, timeoutMs: config.renderTimeoutMs, maxOutputBytes: config.renderMaxOutputBytes };
    this.renders = metrics.counter({ name: 'flotilla_hub_renders_total', help: 'Builds of an App path at a commit (one serves every cluster), by renderer and result', labelNames: ['renderer', 'result'] });
  }

  /** Finds the renderers and says which the hub has. */
  async onApplicationBootstrap(): Promise<void> {
    const found = await findRenderTools({ ...(this.config.kustomizePath ? { kustomizePath: this.config.kustomizePath } : {}), env: process.env });
    this.tools = { ...this.tools, kustomizePath: found.kustomize?.path ?? null };
    this.logger.log({
      msg: 'renderers',
      plain: true,
      kustomize: found.kustomize ? `${found.kustomize.version} (${found.kustomize.path})` : 'not found: Apps with a kustomization fail to render (set FLOTILLA_KUSTOMIZE_PATH)',
      concurrency: this.config.renderConcurrency,
      timeoutMs: this.config.renderTimeoutMs,
      maxOutputBytes: this.config.renderMaxOutputBytes,
    });
  }

  /** Renders an App at a commit for some clusters and stores their artifacts. */
  async render(request: RenderRequest, clusters: readonly ClusterVariables[]): Promise<RenderOutcome> {
    const outcome: RenderOutcome = new Map();
    let built: BuiltApp;
    try {
      built = await this.build(request);
    } catch (error) {
      const failure = toRenderFailure(error, 'plain');
      for (const { cluster } of clusters) outcome.set(cluster, { failure });
      return outcome;
    }
    let remembered = this.substituted.get(built);
    if (!remembered) this.substituted.set(built, (remembered = new Map()));
    const memo = remembered;
    const stored = new Map<string, Promise<ArtifactRef>>();
    const now = Date.now();
    const referenced = this.referencedBy(built);
    for (const { cluster, variables } of clusters) {
      const key = variablesKey(variables, referenced);
      let entry = memo.get(key);
      if (!entry || now - entry.at > STORED_FRESH_MS) {
        const fresh: Substituted = { outcome: this.substitute(built, variables, stored), at: now };
        // A failure to store is not a property of the inputs: the next render tries again.
        fresh.outcome.catch(() => memo.get(key) === fresh && memo.delete(key));
        memo.set(key, (entry = fresh));
      }
      outcome.set(cluster, await entry.outcome);
    }
    return outcome;
  }

  /**
   * The variable names a build's templates refer to: a cluster's artifact depends on their values alone, so clusters
   * that agree on them share one substitution (with none named, the whole fleet shares one; at 10,000 clusters one per
   * cluster took 1.6 s of a fleet-wide commit).
   */
  private referencedBy(built: BuiltApp): readonly string[] {
    let names = this.referenced.get(built);
    if (!names) {
      const found = new Set<string>();
      for (const piece of built.objects) if (piece.kind === 'template') for (const name of referencedVariables(piece.text)) found.add(name);
      this.referenced.set(built, (names = [...found].sort()));
    }
    return names;
  }

  /** One cluster's artifact of a build, stored unless `stored` (this render's) has its digest already. */
  private async substitute(built: BuiltApp, variables: Readonly<Record<string, string>>, stored: Map<string, Promise<ArtifactRef>>): Promise<ClusterRenderOutcome> {
    let encoded;
    try {
      encoded = encodeArtifact(substituteArtifact(built, variables));
    } catch (error) {
      if (!FlotillaError.is(error)) throw error;
      return { failure: toRenderFailure(error, built.renderer) };
    }
    let ref = stored.get(encoded.digest);
    if (!ref) {
      ref = this.artifacts.put(encoded);
      stored.set(encoded.digest, ref);
    }
    return { artifact: await ref };
  }

  /** The build of an App's path at a commit, made once and shared; deterministic failures are remembered too. */
  private build(request: RenderRequest): Promise<BuiltApp> {
    const key = JSON.stringify([request.source.url, request.source.commit, request.path, request.allowRemoteBases]);
    const known = this.builds.get(key);
    if (known) {
      // Newest last: a Map keeps insertion order.
      this.builds.delete(key);
      this.builds.set(key, known);
      return known;
    }
    const building = this.limit.run(() =>
      this.checkouts.withCheckout(request.source, async (checkoutDir) => {
        const started = Date.now();
        try {
          const built = await buildApp({ checkoutDir, appPath: request.path, allowRemoteBases: request.allowRemoteBases, signal: AbortSignal.timeout(this.tools.timeoutMs) }, this.tools);
          this.renders.inc({ renderer: built.renderer, result: 'ok' });
          this.logger.log({ msg: 'rendered an app path', app: request.app, path: request.path, commit: request.source.commit, renderer: built.renderer, durationMs: Date.now() - started });
          return built;
        } catch (error) {
          this.renders.inc({ renderer: String((error as FlotillaError).data?.renderer ?? 'plain'), result: 'failed' });
          throw error;
        }
      }),
    );
    this.builds.set(key, building);
    // Only a render failure is a property of the inputs; a fetch that failed is tried again next time.
    building.catch((error: unknown) => {
      if (!FlotillaError.is(error, 'RENDER_FAILED') && this.builds.get(key) === building) this.builds.delete(key);
    });
    while (this.builds.size > KEPT_BUILDS) this.builds.delete(this.builds.keys().next().value as string);
    return building;
  }
}

/**
 * What a cluster's artifact of a build depends on: the values of the variables its templates name (null: undefined,
 * which is an error for a `cluster.*` name), and any variable name substitution refuses.
 */
function variablesKey(variables: Readonly<Record<string, string>>, referenced: readonly string[]): string {
  const refused = Object.keys(variables).filter((name) => !isVariableName(name));
  return JSON.stringify([refused, referenced.map((name) => (Object.hasOwn(variables, name) ? variables[name] : null))]);
}
