import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { formatRevision } from '@flotilla/core';
import { merge, type Subscription } from 'rxjs';
import { AppEvents } from '../apps/app-events.js';
import type { AllowedRevision, AssignmentGate, GateInput } from '../assignments/assignment-gate.js';
import { ClusterEvents } from '../clusters/cluster-events.js';
import { EventLog } from '../replicas/event-log.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import { StatusEvents } from '../status/status-events.js';
import { StatusService } from '../status/status.service.js';
import type { AppRollouts } from './app-rollouts.js';
import { appendToWaves, planWaves, type WaveSlot } from './plan-waves.js';
import type { RolloutCluster } from './rollout-cluster.entity.js';
import { RolloutLocks } from './rollout-locks.js';
import { RolloutNotifier } from './rollout-notifier.js';
import { RolloutStore } from './rollout-store.js';
import { DEFAULT_ROLLOUT_STRATEGY } from '../apps/rollout-strategy.js';
import type { Rollout } from './rollout.entity.js';
import { type ClusterObservation, type RolloutTransition, stepRollout } from './step-rollout.js';

/** Cluster states whose next step depends on what its agent reports. */
const AWAITING_REPORT = new Set(['updating', 'verifying', 'reverting']);

/**
 * Reports step an app's rollouts at most this often: a fleet reporting one after the other would otherwise make one
 * whole-app plan per report (100 clusters, about 200 plans per commit). Every report still counts, since a plan reads
 * every stored status; one arriving meanwhile only waits for the next plan, at most this long.
 */
export const REPORT_COALESCE_MS = 200;

/** The log topic on which replicas tell each other which apps wait for reports (an agent may report to any replica). */
const WATCH_TOPIC = 'rollout-watch';

/**
 * The rollout controller, and the assignments controller's gate: each time an app's assignments are computed it
 * starts a rollout for a new revision (superseding older ones), steps every open rollout from what agents reported,
 * stores the outcome in one transaction, and answers which commit each target may run now. Agent reports and the end
 * of minimum healthy times ask for the app to be computed again, so progress is level-triggered from stored state:
 * a restarted hub carries on where it was.
 */
@Injectable()
export class RolloutPlanner implements AssignmentGate, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('rollouts');
  private recompute: ((app: string) => void) | undefined;
  /** Apps with a cluster whose next step waits for a report. */
  private readonly watching = new Set<string>();
  /** Per app, the timer that wakes it when a minimum healthy time ends, and when (epoch ms). */
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  /** Per app, when its last plan started (epoch ms), and the plan a report asked for meanwhile. */
  private readonly lastPlanned = new Map<string, number>();
  private readonly reportWaits = new Map<string, NodeJS.Timeout>();
  private subscription: Subscription | undefined;
  private logSubscription: Subscription | undefined;

  constructor(
    private readonly store: RolloutStore,
    private readonly locks: RolloutLocks,
    private readonly notifier: RolloutNotifier,
    private readonly statuses: StatusService,
    private readonly statusEvents: StatusEvents,
    private readonly appEvents: AppEvents,
    private readonly clusterEvents: ClusterEvents,
    private readonly log: EventLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.log.shared) {
      // Replicas share which apps wait for reports: the report may reach a replica that did not plan the rollout. A
      // replica that starts follows every app with an open rollout until its first plan says otherwise.
      this.logSubscription = this.log.fromOthers<{ watching: boolean }>(WATCH_TOPIC).subscribe((entry) => {
        if (entry.app === null) return;
        if (entry.payload.watching) this.watching.add(entry.app);
        else this.watching.delete(entry.app);
      });
      for (const app of await this.store.appsWithOpenRollouts().catch(() => [])) this.watching.add(app);
    }
    this.subscription = merge(this.statusEvents.events, this.appEvents.events, this.clusterEvents.events).subscribe((event) => {
      if (event.kind === 'status' && this.watching.has(event.status.appName)) this.requestForReport(event.status.appName);
      if (event.kind === 'app' && event.type === 'removed') void this.forgetApp(event.app.name);
      if (event.kind === 'cluster' && event.type === 'removed') {
        void this.store.forgetCluster(event.cluster.name).catch((error: Error) => this.logger.error({ msg: 'forgetting the pins of a removed cluster failed', cluster: event.cluster.name, error: error.message }));
      }
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.logSubscription?.unsubscribe();
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const timer of this.reportWaits.values()) clearTimeout(timer);
    this.reportWaits.clear();
  }

  bind(recompute: (app: string) => void): void {
    this.recompute = recompute;
  }

  /** Asks for an app's assignments (and so its rollouts) to be computed again. */
  request(app: string): void {
    this.recompute?.(app);
  }

  plan(input: GateInput): Promise<ReadonlyMap<string, AllowedRevision | null>> {
    return this.locks.run(input.app.name, () => {
      if (!input.scope) this.lastPlanned.set(input.app.name, Date.now());
      return this.planLocked(input);
    });
  }

  /** Asks for a plan after a report: at once, or when {@link REPORT_COALESCE_MS} have passed since the last one. */
  private requestForReport(app: string): void {
    if (this.reportWaits.has(app)) return;
    const wait = (this.lastPlanned.get(app) ?? 0) + REPORT_COALESCE_MS - Date.now();
    // The window starts when the plan is asked for, not when it begins: computing assignments before it takes time,
    // and reports arriving meanwhile must wait for the next window rather than ask again.
    if (wait <= 0) {
      this.lastPlanned.set(app, Date.now());
      this.request(app);
      return;
    }
    const timer = setTimeout(() => {
      this.reportWaits.delete(app);
      this.lastPlanned.set(app, Date.now());
      this.request(app);
    }, wait);
    timer.unref();
    this.reportWaits.set(app, timer);
  }

  private async planLocked({ app, source, targets, existing, scope, stay }: GateInput): Promise<Map<string, AllowedRevision | null>> {
    const now = new Date();
    const [work, statuses] = await Promise.all([
      scope ? this.store.loadClusters(app.name, scope) : this.store.load(app.name),
      scope ? this.statuses.forAppOn(app.name, scope) : this.statuses.forApp(app.name),
    ]);
    const statusOf = new Map(statuses.map((status) => [status.clusterName, status]));
    const activeCommit = (cluster: string): string | null => {
      const assignment = existing.get(cluster);
      return assignment?.active ? assignment.commit : null;
    };

    const targetNames = new Set(targets.map((cluster) => cluster.name));
    for (const cluster of [...work.current.keys()]) if (!targetNames.has(cluster)) work.release(cluster, now);

    // Unpinned targets that nothing takes to the branch's commit yet join the rollout to it (new or running), unless
    // that commit changes nothing for them or did not render for them.
    const joining = targets.filter((cluster) => {
      if (work.pins.has(cluster.name) || stay?.has(cluster.name)) return false;
      const owner = work.ownerOf(cluster.name);
      return (owner ? owner.commit : activeCommit(cluster.name)) !== source.commit;
    });
    if (joining.length > 0) await this.enlist(work, app.name, app.policy.rollout ?? DEFAULT_ROLLOUT_STRATEGY, source, joining, activeCommit, now);

    const observe = (cluster: string): ClusterObservation => {
      const assignment = existing.get(cluster);
      const status = statusOf.get(cluster);
      return {
        assignment: assignment ? { commit: assignment.commit, generation: assignment.generation, active: assignment.active } : null,
        status: status
          ? { generation: status.generation, revision: status.revision, phase: status.phase, health: status.health, updatedAt: status.updatedAt, errors: status.errors }
          : null,
      };
    };
    // With a scope, only what is known whole is stepped: the rollouts this change made, of scoped clusters only.
    const steppable = scope ? work.created : work.open();
    const stepped: Rollout[] = [];
    const transitions: Array<[Rollout, RolloutTransition]> = [];
    let wakeAt: Date | null = null;
    for (const rollout of steppable) {
      const outcome = stepRollout(rollout, work.rowsOf(rollout), observe, now);
      for (const row of outcome.changedRows) work.changedRows.add(row as RolloutCluster);
      if (outcome.changedRows.size > 0 || outcome.transitions.length > 0 || rollout.finishedAt !== null || work.created.includes(rollout)) {
        work.touch(rollout, now);
        stepped.push(rollout);
      }
      transitions.push(...outcome.transitions.map((t): [Rollout, RolloutTransition] => [rollout, t]));
      if (outcome.wakeAt && (wakeAt === null || outcome.wakeAt < wakeAt)) wakeAt = outcome.wakeAt;
    }
    await this.store.save(work);

    for (const rollout of work.created) await this.notifier.started(rollout, work.rowsOf(rollout));
    if (work.created.length > 0) await this.store.prune(app.name);
    for (const [rollout, transition] of transitions) {
      this.logger.log({ msg: 'rollout state changed', rollout: rollout.id, app: app.name, revision: formatRevision({ ref: rollout.ref, commit: rollout.commit }), from: transition.from, to: transition.to, reason: transition.message });
      await this.notifier.transitioned(rollout, transition);
    }
    for (const rollout of stepped) this.notifier.publish(rollout, work.rowsOf(rollout));
    this.watch(app.name, work, wakeAt, now, scope !== undefined);
    // A scoped change that moved clusters into or out of another open rollout: that one is stepped with the whole app.
    if (scope && work.touched().some((rollout) => rollout.finishedAt === null && !work.created.includes(rollout))) this.request(app.name);
    return this.allowedRevisions(work, targets, source.commit, activeCommit);
  }

  /** Puts clusters into the running rollout to the branch's commit, or starts one with the app's strategy. */
  private async enlist(
    work: AppRollouts,
    app: string,
    strategy: Rollout['strategy'],
    source: GateInput['source'],
    joining: readonly Cluster[],
    activeCommit: (cluster: string) => string | null,
    now: Date,
  ): Promise<void> {
    const latest = await this.store.latest(app, 'update');
    let rollout: Rollout;
    let slots: WaveSlot[];
    // A halted or aborted rollout to the same commit keeps holding its clusters, new ones included.
    if (latest && latest.commit === source.commit && latest.state !== 'completed' && latest.state !== 'superseded') {
      rollout = await this.store.include(work, latest);
      // Clusters it already holds stay where they are: it may have been started (by another replica) since `load`.
      const added = joining.filter((cluster) => work.ownerOf(cluster.name) !== rollout);
      slots = appendToWaves(work.rowsOf(rollout), added, rollout.strategy);
    } else {
      rollout = this.store.rollouts.create({
        appName: app,
        kind: 'update',
        sourceName: source.name,
        ref: source.ref,
        commit: source.commit,
        state: 'progressing',
        strategy,
        message: '',
        createdBy: 'system',
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
      });
      work.create(rollout);
      slots = planWaves(joining, strategy);
    }
    work.enlist(rollout, slots, activeCommit, now, (row) => this.store.rows.create(row));
  }

  /** The commit each target may run now, from the state of the rollout that has it. */
  private allowedRevisions(work: AppRollouts, targets: readonly Cluster[], branchCommit: string, activeCommit: (cluster: string) => string | null): Map<string, AllowedRevision | null> {
    const allowed = new Map<string, AllowedRevision | null>();
    for (const cluster of targets) {
      const pin = work.pins.get(cluster.name);
      const row = work.current.get(cluster.name);
      const owner = work.ownerOf(cluster.name);
      let commit: string | null;
      if (pin && owner?.commit !== pin.commit) commit = pin.commit;
      else if (!row || !owner) commit = branchCommit;
      else {
        switch (row.state) {
          case 'pending':
          case 'superseded':
          case 'removed':
            commit = activeCommit(cluster.name);
            break;
          case 'updating':
          case 'verifying':
          case 'succeeded':
          case 'failed':
            commit = owner.commit;
            break;
          case 'reverting':
          case 'reverted':
          case 'revert-failed':
            commit = row.fromCommit ?? owner.commit;
            break;
          default:
            commit = row.state satisfies never;
        }
      }
      allowed.set(cluster.name, commit === null ? null : { commit, pinned: pin !== undefined && pin.commit === commit });
    }
    return allowed;
  }

  /**
   * Follows reports of apps whose clusters wait for one, and wakes the app when a minimum healthy time ends. A
   * `partial` plan (scoped) saw only some clusters: it may add a reason to watch or an earlier wake-up, never drop one.
   */
  private watch(app: string, work: AppRollouts, wakeAt: Date | null, now: Date, partial: boolean): void {
    const waiting = work.open().some((rollout) => work.rowsOf(rollout).some((row) => row.current && AWAITING_REPORT.has(row.state)));
    const watched = this.watching.has(app);
    if (waiting) this.watching.add(app);
    else if (!partial) this.watching.delete(app);
    if (watched !== this.watching.has(app)) this.log.tellOthers({ topic: WATCH_TOPIC, app, payload: { watching: !watched } });
    const scheduled = this.timers.get(app);
    if (partial && (wakeAt === null || (scheduled && scheduled.at <= wakeAt.getTime()))) return;
    clearTimeout(scheduled?.timer);
    this.timers.delete(app);
    if (wakeAt) {
      const timer = setTimeout(() => {
        this.timers.delete(app);
        this.request(app);
      }, Math.max(0, wakeAt.getTime() - now.getTime()) + 10);
      timer.unref();
      this.timers.set(app, { timer, at: wakeAt.getTime() });
    }
  }

  private async forgetApp(app: string): Promise<void> {
    await this.locks
      .run(app, async () => {
        this.watching.delete(app);
        clearTimeout(this.timers.get(app)?.timer);
        this.timers.delete(app);
        clearTimeout(this.reportWaits.get(app));
        this.reportWaits.delete(app);
        this.lastPlanned.delete(app);
        await this.store.forgetApp(app);
      })
      .catch((error: Error) => this.logger.error({ msg: 'forgetting the rollouts of a removed app failed', app, error: error.message }));
  }
}
