import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { merge, type Subscription } from 'rxjs';
import { In, Repository } from 'typeorm';
import { FlotillaError, formatRevision } from '@flotilla/core';
import { type AppEvent, AppEvents } from '../apps/app-events.js';
import type { App } from '../apps/app.entity.js';
import { AppsService } from '../apps/apps.service.js';
import { type ClusterEvent, ClusterEvents } from '../clusters/cluster-events.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { UPSERT_CHUNK_ROWS, upsertRows } from '../database/upsert-rows.js';
import { EventLog } from '../replicas/event-log.js';
import { Leases } from '../replicas/leases.js';
import { type SourceEvent, SourceEvents } from '../sources/source-events.js';
import { SourcesService } from '../sources/sources.service.js';
import type { Source, StoredGitCredentials } from '../sources/source.entity.js';
import { AppRenderer, type RenderOutcome } from '../rendering/app-renderer.service.js';
import type { RenderFailure } from '../rendering/render-failure.js';
import { RenderStatus } from '../rendering/render-status.js';
import type { AssignmentGate } from './assignment-gate.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { ASSIGNMENT_LOG_TOPIC, AssignmentEvents } from './assignment-events.js';
import { Assignment, type AssignmentSummary } from './assignment.entity.js';
import { clusterVariables, desiredAssignment, desiredCommit, isSameAssignment, isTarget } from './desired-assignment.js';

/** How long the worker waits before trying again when the database could not be reached. */
const RETRY_AFTER_OUTAGE_MS = 2_000;

/** Past this many changed clusters, recomputing the apps whole costs less than recomputing them for each cluster. */
const MAX_SCOPED_CLUSTERS = 500;

/**
 * Keeps the assignments table equal to what apps, clusters and sources say, like a controller: events mark apps
 * dirty (or, for cluster events, clusters), one worker recomputes them in turn, and only assignments whose desired
 * state changed get a new generation. A changed cluster is recomputed for every app, but only that cluster: a fleet
 * of N clusters registers in O(N), not O(N²).
 */
@Injectable()
export class AssignmentsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('assignments');
  private readonly dirty = new Set<string>();
  private readonly dirtyClusters = new Set<string>();
  private everything = false;
  /** Set when the hub closes: nothing new is started (the rollouts may still ask, whatever order modules close in). */
  private stopped = false;
  private worker: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;

  constructor(
    @InjectRepository(Assignment) private readonly assignments: Repository<Assignment>,
    private readonly apps: AppsService,
    private readonly clusters: ClustersService,
    private readonly sources: SourcesService,
    private readonly events: AssignmentEvents,
    private readonly appEvents: AppEvents,
    private readonly clusterEvents: ClusterEvents,
    private readonly sourceEvents: SourceEvents,
    private readonly renderer: AppRenderer,
    private readonly renderStatus: RenderStatus,
    private readonly leases: Leases,
    private readonly log: EventLog,
  ) {}


  /** The gate the rollouts registered, if any. */
  gate: AssignmentGate | undefined;

  /**
   * Lets the rollouts decide which commit each target runs now (they register before the application bootstraps);
   * without a gate every target gets the source's commit at once.
   */
  useGate(gate: AssignmentGate): void {
    this.gate = gate;
    gate.bind((app) => this.mark(app));
  }

  onApplicationBootstrap(): void {
    this.subscription = merge(this.appEvents.events, this.clusterEvents.events, this.sourceEvents.events).subscribe((event) => this.onEvent(event));
    // Anything that changed while the hub was down is caught up by one full pass.
    this.markAll();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.subscription?.unsubscribe();
    await this.whenIdle();
  }

  /** Resolves when every pending recomputation is done. */
  async whenIdle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Assignments of a cluster that are active (what its agent must run). */
  activeForCluster(cluster: string): Promise<Assignment[]> {
    return this.assignments.find({ where: { clusterName: cluster, active: true }, order: { appName: 'ASC' } });
  }

  /** Every assignment row of a cluster, including removals its agent has not acked yet. */
  allForCluster(cluster: string): Promise<Assignment[]> {
    return this.assignments.find({ where: { clusterName: cluster }, order: { appName: 'ASC' } });
  }

  /** Every assignment row of each of some clusters (as allForCluster), in one query. */
  async allForClusters(clusters: readonly string[]): Promise<Map<string, Assignment[]>> {
    const rows = await this.assignments.find({ where: { clusterName: In([...clusters]) }, order: { appName: 'ASC' } });
    const byCluster = new Map<string, Assignment[]>();
    for (const row of rows) {
      const list = byCluster.get(row.clusterName);
      if (list) list.push(row);
      else byCluster.set(row.clusterName, [row]);
    }
    return byCluster;
  }

  /** Assignments of an app, by cluster. */
  forApp(app: string): Promise<Assignment[]> {
    return this.assignments.find({ where: { appName: app }, order: { clusterName: 'ASC' } });
  }

  /**
   * What status views need of an app's assignments, without the policy, variables and source of each: at 10,000
   * clusters, reading those back (JSON columns) was most of `GET /apps/{app}/status`.
   */
  summariesForApp(app: string): Promise<AssignmentSummary[]> {
    return this.assignments.find({ where: { appName: app }, select: { clusterName: true, active: true, commit: true, ref: true, generation: true, pinned: true } });
  }

  /** Assignments of an app on the given clusters. */
  async forAppOn(app: string, clusters: readonly string[]): Promise<Assignment[]> {
    const found: Assignment[] = [];
    for (let i = 0; i < clusters.length; i += 500) found.push(...(await this.assignments.find({ where: { appName: app, clusterName: In(clusters.slice(i, i + 500)) } })));
    return found;
  }

  /** One assignment, or null. */
  find(app: string, cluster: string): Promise<Assignment | null> {
    return this.assignments.findOneBy({ appName: app, clusterName: cluster });
  }

  /** Whether an assignment of a cluster (current, or a removal not acked yet) names an artifact. */
  namesArtifact(cluster: string, digest: string): Promise<boolean> {
    return this.assignments.existsBy({ clusterName: cluster, artifactDigest: digest });
  }

  /** Records the generation an agent reconciled; refuses generations the hub never issued. */
  async recordAck(app: string, cluster: string, generation: number): Promise<'recorded' | 'stale' | 'unknown'> {
    const assignment = await this.find(app, cluster);
    if (!assignment || generation > assignment.generation) return 'unknown';
    if (generation <= assignment.ackedGeneration) return 'stale';
    await this.assignments.update({ appName: app, clusterName: cluster }, { ackedGeneration: generation });
    return 'recorded';
  }

  /** Active assignments of an app, by cluster. */
  activeForApp(app: string): Promise<Assignment[]> {
    return this.assignments.find({ where: { appName: app, active: true }, order: { clusterName: 'ASC' } });
  }

  private onEvent(event: AppEvent | ClusterEvent | SourceEvent): void {
    switch (event.kind) {
      case 'cluster':
        if (event.type === 'registered' || event.type === 'updated' || event.type === 'removed') this.markCluster(event.cluster.name);
        break;
      case 'source':
        if (event.type === 'revision' || event.type === 'updated') void this.markSource(event.source.name);
        break;
      case 'app':
        this.mark(event.app.name);
        break;
      default:
        event satisfies never;
    }
  }

  private mark(app: string): void {
    this.dirty.add(app);
    this.schedule();
  }

  private markCluster(cluster: string): void {
    this.dirtyClusters.add(cluster);
    this.schedule();
  }

  private markAll(): void {
    this.everything = true;
    this.schedule();
  }

  private async markSource(source: string): Promise<void> {
    for (const app of await this.apps.namesUsingSource(source)) this.dirty.add(app);
    this.schedule();
  }

  private schedule(): void {
    if (this.worker || this.retry || this.stopped) return;
    let failed = false;
    this.worker = this.drain()
      .catch((error: unknown) => {
        // The pass put its work back: try again once the database may be back, rather than lose it.
        failed = true;
        this.logger.warn({ msg: 'recomputing assignments failed; retrying', retryInMs: RETRY_AFTER_OUTAGE_MS, error: (error as Error).message });
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.schedule();
        }, RETRY_AFTER_OUTAGE_MS).unref();
      })
      .finally(() => {
        this.worker = undefined;
        if (!failed && this.hasWork()) this.schedule();
      });
  }

  private hasWork(): boolean {
    return this.everything || this.dirty.size > 0 || this.dirtyClusters.size > 0;
  }

  private async drain(): Promise<void> {
    while (this.hasWork()) {
      const everything = this.everything || this.dirtyClusters.size > MAX_SCOPED_CLUSTERS;
      const whole = everything ? await this.allAppNames() : [...this.dirty];
      const scope = everything ? [] : [...this.dirtyClusters];
      this.everything = false;
      this.dirty.clear();
      this.dirtyClusters.clear();
      try {
        if (whole.length > 0) {
          const clusters = this.clusterReader(() => this.clusters.all());
          for (const name of whole) await this.recomputeLogged(name, clusters);
        }
        if (scope.length > 0) {
          // The apps just recomputed whole have seen these clusters already.
          const clusters = this.clusterReader(() => this.clusters.findMany(scope));
          for (const name of await this.allAppNames()) if (!whole.includes(name)) await this.recomputeLogged(name, clusters, scope);
        }
      } catch (error) {
        // Recomputing is idempotent: the whole pass is marked again, what it finished included.
        this.everything ||= everything;
        for (const name of whole) this.dirty.add(name);
        for (const cluster of scope) this.dirtyClusters.add(cluster);
        throw error;
      }
    }
  }

  /**
   * Reads clusters once per pass; with replicas, again when they changed since (another replica may have relabelled
   * or removed one while this one waited for an app's lease, and must not be undone with what was read before).
   */
  private clusterReader(read: () => Promise<Cluster[]>): () => Promise<Cluster[]> {
    let cached: { fingerprint: string; clusters: Cluster[] } | undefined;
    return async () => {
      if (!this.log.shared) return (cached ??= { fingerprint: '', clusters: await read() }).clusters;
      const fingerprint = await this.clusters.fingerprint();
      if (cached?.fingerprint !== fingerprint) cached = { fingerprint, clusters: await read() };
      return cached.clusters;
    };
  }

  /** Every app, and every app name assignments still carry (an app removed while the hub was down). */
  private async allAppNames(): Promise<string[]> {
    const stored = await this.assignments.createQueryBuilder('a').select('DISTINCT a.appName', 'appName').getRawMany<{ appName: string }>();
    return [...new Set([...(await this.apps.names()), ...stored.map((r) => r.appName)])];
  }

  private async recomputeLogged(appName: string, clusters: () => Promise<Cluster[]>, scope?: string[]): Promise<void> {
    try {
      // Replicas compute one app at a time: a generation is the stored one plus one, read and written under the lease.
      await this.leases.exclusive(`assignments/${appName}`, async () => this.recompute(appName, await clusters(), scope));
    } catch (error) {
      if (isDatabaseUnavailable(error) || FlotillaError.is(error, 'UNAVAILABLE')) throw error;
      this.logger.error({ msg: 'recomputing the assignments of an app failed', app: appName, error: (error as Error).stack });
    }
  }

  /**
   * Brings one app's assignments in line with its targets, source and policy: on every cluster, or only on the clusters
   * of `scope` (those that changed; `clusters` are those of them that still exist).
   */
  private async recompute(appName: string, clusters: Cluster[], scope?: string[]): Promise<void> {
    const app = await this.apps.find(appName);
    if (!app) this.renderStatus.forget(appName);
    const source = app ? await this.sources.find(app.sourceName) : null;
    const stored = scope ? await this.assignments.findBy({ appName, clusterName: In(scope) }) : await this.forApp(appName);
    const existing = new Map(stored.map((a) => [a.clusterName, a]));
    const clustersByName = new Map(clusters.map((c) => [c.name, c]));
    const now = new Date();
    const changed: Assignment[] = [];
    const rebased: Array<{ cluster: string; commit: string }> = [];

    // Until the source resolves there is no commit to assign: targets wait, nothing is sent.
    if (app && source?.commit) {
      const resolved = { ...source, commit: source.commit };
      const targets = clusters.filter((cluster) => isTarget(app, cluster));
      const render = this.renderFor(app, resolved);
      // The branch's commit is rendered first: clusters it leaves unchanged, and clusters it failed to render for,
      // join no rollout to it (and so get no new generation).
      const head = await render(resolved.commit, targets);
      const stay = new Set<string>();
      for (const cluster of targets) {
        const outcome = head.get(cluster.name);
        const current = existing.get(cluster.name);
        if (!outcome || 'failure' in outcome || (current?.active && current.artifactDigest === outcome.artifact.digest)) stay.add(cluster.name);
      }
      this.recordRender(app.name, resolved, head, scope !== undefined);
      // The rollouts decide which commit each target runs now; a target they hold back keeps what it has.
      const allowed = await this.gate?.plan({ app, source: resolved, targets, existing, stay, ...(scope ? { scope } : {}) });
      const revisions = new Map<string, { commit: string; pinned: boolean }>();
      for (const cluster of targets) {
        const revision = allowed?.get(cluster.name);
        if (revision !== null) revisions.set(cluster.name, desiredCommit(resolved, existing.get(cluster.name) ?? null, revision));
      }
      const outcomes = await this.renderByCommit(render, head, resolved.commit, targets, revisions);
      for (const cluster of targets) {
        const revision = revisions.get(cluster.name);
        const outcome = outcomes.get(cluster.name);
        // Not allowed the app yet, or its revision did not render: it keeps what it has.
        if (!revision || !outcome || 'failure' in outcome) continue;
        const current = existing.get(cluster.name) ?? null;
        const desired = desiredAssignment(app, resolved, cluster, revision, outcome.artifact);
        if (current && isSameAssignment(current, desired)) {
          // Same artifact from another commit: the cluster has nothing to do; the row names the commit it stands for.
          if (current.commit !== desired.commit) rebased.push({ cluster: cluster.name, commit: desired.commit });
          continue;
        }
        const assignment = this.assignments.create({
          appName,
          clusterName: cluster.name,
          ackedGeneration: current?.ackedGeneration ?? 0,
          ...desired,
          active: true,
          generation: (current?.generation ?? 0) + 1,
          updatedAt: now,
        });
        changed.push(assignment);
      }
    }
    for (const current of existing.values()) {
      const cluster = clustersByName.get(current.clusterName);
      if (!cluster) {
        // The cluster is gone, and with it its agent's credential: nothing is left to tell.
        await this.assignments.delete({ appName, clusterName: current.clusterName });
        continue;
      }
      // A target whose source is merely unresolved keeps its assignment; one the app no longer selects loses it.
      if (current.active && (app === null || !isTarget(app, cluster))) {
        changed.push(this.assignments.merge(this.assignments.create(), current, { active: false, generation: current.generation + 1, updatedAt: now }));
      }
    }
    for (const { cluster, commit } of rebased) await this.assignments.update({ appName, clusterName: cluster }, { commit });
    // Each chunk goes to the agents as soon as it is stored (never before): the first agents need not wait for the last.
    for (let i = 0; i < changed.length; i += UPSERT_CHUNK_ROWS) {
      const chunk = changed.slice(i, i + UPSERT_CHUNK_ROWS);
      if (this.log.shared) {
        // The replicas holding these clusters' streams learn of them from the log, written with them.
        await this.assignments.manager.transaction(async (manager) => {
          await upsertRows(manager, Assignment, chunk, ['appName', 'clusterName']);
          await this.log.appendWithin(
            manager,
            chunk.map((assignment) => ({ topic: ASSIGNMENT_LOG_TOPIC, cluster: assignment.clusterName, app: assignment.appName, payload: { generation: assignment.generation } })),
          );
        });
      } else {
        await upsertRows(this.assignments.manager, Assignment, chunk, ['appName', 'clusterName']);
      }
      for (const assignment of chunk) this.events.publish({ kind: 'assignment', assignment });
      // Let the streams write what was just sent before the next chunk: on SQLite every query resolves without
      // leaving the microtask queue, and HTTP/2 writes wait for the event loop, so without this no agent heard of a
      // change until the last chunk (and whatever ran after it) was done.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  /** Renders an app at a commit for some clusters (the Source's credentials stay on the hub). */
  private renderFor(app: App, source: Source & { commit: string }): (commit: string, clusters: readonly Cluster[]) => Promise<RenderOutcome> {
    let credentials: Promise<StoredGitCredentials | null> | undefined;
    return async (commit, clusters) => {
      credentials ??= this.sources.openCredentials(source.name);
      return this.renderer.render(
        { app: app.name, path: app.path, allowRemoteBases: app.render?.allowRemoteBases ?? false, source: { url: source.url, ref: source.ref, commit, credentials: await credentials } },
        clusters.map((cluster) => ({ cluster: cluster.name, variables: clusterVariables(app, cluster) })),
      );
    };
  }

  /** Each target's outcome at the commit it is to run: the branch's (rendered already) or another (a rollout, a pin). */
  private async renderByCommit(
    render: (commit: string, clusters: readonly Cluster[]) => Promise<RenderOutcome>,
    head: RenderOutcome,
    headCommit: string,
    targets: readonly Cluster[],
    revisions: ReadonlyMap<string, { commit: string }>,
  ): Promise<RenderOutcome> {
    const outcomes: RenderOutcome = new Map();
    const byCommit = new Map<string, Cluster[]>();
    for (const cluster of targets) {
      const commit = revisions.get(cluster.name)?.commit;
      if (commit === undefined) continue;
      if (commit === headCommit) {
        const outcome = head.get(cluster.name);
        if (outcome) outcomes.set(cluster.name, outcome);
      } else byCommit.set(commit, [...(byCommit.get(commit) ?? []), cluster]);
    }
    for (const [commit, clusters] of byCommit) for (const [cluster, outcome] of await render(commit, clusters)) outcomes.set(cluster, outcome);
    return outcomes;
  }

  /** Records how the branch's commit rendered for the app (a scoped pass adds failures, never clears them). */
  private recordRender(app: string, source: Source & { commit: string }, head: RenderOutcome, partial: boolean): void {
    const revision = formatRevision({ ref: source.ref, commit: source.commit });
    const failed = [...head].filter((entry): entry is [string, { failure: RenderFailure }] => 'failure' in entry[1]);
    const first = failed[0];
    if (first) {
      this.renderStatus.set(app, { state: 'RenderFailed', revision, failure: first[1].failure, clusters: failed.map(([cluster]) => cluster), updatedAt: new Date() });
      this.logger.warn({ msg: 'an app revision failed to render; its clusters keep what they have', app, revision, clusters: failed.length, ...first[1].failure });
    } else if (!partial || this.renderStatus.of(app)?.revision !== revision) {
      this.renderStatus.set(app, { state: 'Rendered', revision, clusters: [], updatedAt: new Date() });
    }
  }
}
