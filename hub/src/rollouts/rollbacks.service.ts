import { Injectable } from '@nestjs/common';
import { FlotillaError, formatRevision, isCommitId, type LabelSelector, matchesLabelSelector, parseRevision } from '@flotilla/core';
import type { App } from '../apps/app.entity.js';
import { AppsService } from '../apps/apps.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { isTarget } from '../assignments/desired-assignment.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { SourcesService } from '../sources/sources.service.js';
import type { HistoryEntry } from '../status/history-entry.entity.js';
import { StatusService } from '../status/status.service.js';
import { planWaves } from './plan-waves.js';
import { RolloutLocks } from './rollout-locks.js';
import { RolloutNotifier } from './rollout-notifier.js';
import { RolloutPlanner } from './rollout-planner.service.js';
import { RolloutStore } from './rollout-store.js';
import type { RollbackBody, UnpinBody } from '@flotilla/api';
import { DEFAULT_ROLLOUT_STRATEGY, mergeRolloutStrategy, type RolloutStrategy } from '../apps/rollout-strategy.js';
import type { RolloutWithClusters } from './rollouts.service.js';

/** Which clusters an operation names. */
type Selection = { cluster?: string; clusters?: string[]; selector?: LabelSelector };

/** Rollbacks on demand, which pin the clusters they concern, and unpinning. */
@Injectable()
export class RollbacksService {
  constructor(
    private readonly store: RolloutStore,
    private readonly locks: RolloutLocks,
    private readonly notifier: RolloutNotifier,
    private readonly planner: RolloutPlanner,
    private readonly audit: AuditService,
    private readonly apps: AppsService,
    private readonly sources: SourcesService,
    private readonly clusters: ClustersService,
    private readonly assignments: AssignmentsService,
    private readonly statuses: StatusService,
  ) {}

  /**
   * Returns clusters of an app to a revision from its history (by default the last healthy one before the current) and
   * pins them there, so new commits do not move them until they are unpinned. It goes out as a rollout of its own: at
   * once, or with the strategy given.
   */
  async rollback(appName: string, body: RollbackBody, actor: string): Promise<RolloutWithClusters> {
    const app = await this.requireApp(appName);
    const source = await this.sources.find(app.sourceName);
    if (!source?.commit) throw new FlotillaError('FAILED_PRECONDITION', `source "${app.sourceName}" of app "${appName}" has not been resolved yet`, { data: { app: appName } });
    const targets = (await this.clusters.all()).filter((cluster) => isTarget(app, cluster));
    const selected = this.select(targets, body, `targets of app "${appName}"`);
    if (selected.length === 0) throw new FlotillaError('FAILED_PRECONDITION', `no target cluster of app "${appName}" matches; nothing to roll back`, { data: { app: appName } });

    return this.locks.run(appName, async () => {
      const now = new Date();
      const work = await this.store.load(appName);
      const active = new Map((await this.assignments.activeForApp(appName)).map((a) => [a.clusterName, a.commit]));
      // The current revision is the one the app is moving to, and for clusters pinned already, where they are pinned.
      const current = [(await this.store.latest(appName, 'update'))?.commit ?? source.commit, ...selected.map((c) => work.pins.get(c.name)?.commit ?? null)];
      const commit = await this.chooseCommit(appName, body.revision, selected.map((c) => c.name), current);
      const revision = formatRevision({ ref: source.ref, commit });
      const strategy: RolloutStrategy = body.strategy ? { ...mergeRolloutStrategy(undefined, body.strategy), onFailure: 'halt' } : DEFAULT_ROLLOUT_STRATEGY;
      const rollout = this.store.rollouts.create({
        appName,
        kind: 'rollback',
        sourceName: source.name,
        ref: source.ref,
        commit,
        state: 'progressing',
        strategy,
        message: `rollback by ${actor}; ${selected.length} cluster(s) pinned at ${revision}`,
        createdBy: actor,
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
      });
      work.create(rollout);
      work.enlist(rollout, planWaves(selected, strategy), (cluster) => active.get(cluster) ?? null, now, (row) => this.store.rows.create(row));
      for (const cluster of selected) {
        // rolloutId 0 stands for the rollout this change creates; the store fills it in.
        const pin = this.store.pins.create({ appName, clusterName: cluster.name, commit, rolloutId: 0, createdBy: actor, createdAt: now });
        work.pins.set(cluster.name, pin);
        work.savedPins.push(pin);
      }
      await this.store.save(work);
      const clusters = selected.map((c) => c.name);
      await this.audit.record({ actor, action: 'app.rollback', target: `app/${appName}`, result: 'success', details: { revision, clusters, rollout: rollout.id } });
      await this.audit.record({ actor, action: 'app.pin', target: `app/${appName}`, result: 'success', details: { revision, clusters, rollout: rollout.id } });
      await this.notifier.started(rollout, work.rowsOf(rollout));
      await this.store.prune(appName);
      this.notifier.publish(rollout, work.rowsOf(rollout));
      this.planner.request(appName);
      return { rollout, rows: work.rowsOf(rollout) };
    });
  }

  /** Lets pinned clusters follow the app's branch again (through a rollout with the app's strategy). */
  async unpin(appName: string, body: UnpinBody, actor: string): Promise<{ app: string; unpinned: string[] }> {
    await this.requireApp(appName);
    const clusters = await this.clusters.all();
    return this.locks.run(appName, async () => {
      const work = await this.store.load(appName);
      const pinned = clusters.filter((cluster) => work.pins.has(cluster.name));
      const registered = new Set(clusters.map((c) => c.name));
      const orphaned = [...work.pins.keys()].filter((name) => !registered.has(name));
      const unpinned = [...this.select(pinned, body, `pinned clusters of app "${appName}"`).map((c) => c.name), ...(hasSelection(body) ? [] : orphaned)];
      if (unpinned.length === 0) return { app: appName, unpinned };
      work.deletedPins.push(...unpinned);
      await this.store.save(work);
      await this.audit.record({ actor, action: 'app.unpin', target: `app/${appName}`, result: 'success', details: { clusters: unpinned } });
      this.planner.request(appName);
      return { app: appName, unpinned };
    });
  }

  /** Clusters of an app pinned at a commit, by cluster. */
  async pins(appName: string): Promise<Array<{ cluster: string; revision: string; rollout: number | null; createdBy: string; createdAt: string }>> {
    const app = await this.requireApp(appName);
    const source = await this.sources.find(app.sourceName);
    const pins = await this.store.pins.find({ where: { appName }, order: { clusterName: 'ASC' } });
    return pins.map((pin) => ({
      cluster: pin.clusterName,
      revision: formatRevision({ ref: source?.ref ?? 'HEAD', commit: pin.commit }),
      rollout: pin.rolloutId,
      createdBy: pin.createdBy,
      createdAt: pin.createdAt.toISOString(),
    }));
  }

  /**
   * The commit to roll back to: the one named (it must be in the app's history), or the newest revision that was
   * healthy on the selected clusters (else anywhere) and is none of the current ones.
   */
  private async chooseCommit(app: string, revision: string | undefined, clusters: string[], current: Array<string | null>): Promise<string> {
    const entries = await this.statuses.historyOf(app);
    const commitOf = (text: string): string | null => {
      try {
        return parseRevision(text).commit;
      } catch {
        return null;
      }
    };
    if (revision !== undefined) {
      const commit = isCommitId(revision) ? revision : commitOf(revision);
      if (!commit) throw new FlotillaError('INVALID_REVISION', `revision "${revision}" is neither <ref>@sha1:<40 hex digits> nor a commit id`, { data: { revision } });
      if (!entries.some((entry) => commitOf(entry.revision) === commit)) {
        throw new FlotillaError('FAILED_PRECONDITION', `revision "${revision}" is not in the history of app "${app}"; see GET /api/v1/apps/${app}/history`, {
          data: { app, revision },
        });
      }
      return commit;
    }
    const isCandidate = (entry: HistoryEntry): boolean => entry.outcome === 'healthy' && !current.includes(commitOf(entry.revision));
    const found = entries.find((entry) => isCandidate(entry) && clusters.includes(entry.clusterName)) ?? entries.find(isCandidate);
    const commit = found ? commitOf(found.revision) : null;
    if (!commit) {
      throw new FlotillaError('FAILED_PRECONDITION', `app "${app}" has no healthy revision before the current one in its history; name one with "revision"`, { data: { app } });
    }
    return commit;
  }

  private select(candidates: readonly Cluster[], body: Selection, what: string): Cluster[] {
    if (body.cluster !== undefined || body.clusters !== undefined) {
      const names = body.clusters ?? [body.cluster as string];
      const known = new Set(candidates.map((c) => c.name));
      const missing = names.filter((name) => !known.has(name));
      if (missing.length > 0) throw new FlotillaError('NOT_FOUND', `${missing.map((n) => `"${n}"`).join(', ')} ${missing.length === 1 ? 'is not one of the' : 'are not'} ${what}`, { data: { clusters: missing } });
      const named = new Set(names);
      return candidates.filter((c) => named.has(c.name));
    }
    if (body.selector) return candidates.filter((c) => matchesLabelSelector(body.selector as LabelSelector, c.labels));
    return [...candidates];
  }

  private async requireApp(name: string): Promise<App> {
    const app = await this.apps.find(name);
    if (!app) throw new FlotillaError('NOT_FOUND', `app "${name}" not found`, { data: { app: name } });
    return app;
  }
}

function hasSelection(body: Selection): boolean {
  return body.cluster !== undefined || body.clusters !== undefined || body.selector !== undefined;
}
