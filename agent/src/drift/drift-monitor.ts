import {
  ConcurrencyLimit,
  formatObjectRef,
  ignoredFieldsOf,
  isJsonEqual,
  objectKey,
  objectRefOf,
  withValuesFrom,
  type DriftFinding,
  type KubeObject,
  type ObjectRef,
} from '@flotilla/core';
import { collectionPath, type InventoryRecord, type ResourceManager, type WatchEventType } from '@flotilla/kube';
import type { Logger } from 'pino';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import type { AppDriftReport, DriftAction, DriftedObject } from '../assignment/drift-report.js';
import { CollectionWatches } from './collection-watches.js';
import { compareObject } from './compare-object.js';
import { decideCorrection, newStreak, recordCorrection } from './correction-streak.js';
import { DRIFT_DEFAULTS, type DriftDefaults, driftPolicyOf } from './drift-policy.js';
import { DriftReportQueue } from './drift-report-queue.js';
import { type AppState, contentOf, isAsCompared, type Tracked } from './drift-state.js';
import type { DriftTracker } from './drift-tracker.js';

/** Options of a DriftMonitor. */
export interface DriftMonitorOptions {
  manager: ResourceManager;
  logger: Logger;
  /** Receives every report at once (the hub connection, which buffers while the hub is away). */
  report(report: AppDriftReport): void;
  /** Agent-wide defaults for what App policies leave at 0. */
  defaults?: Partial<DriftDefaults>;
  /** Comparisons and corrections in flight at once; default 8. */
  concurrency?: number;
}

/** How long after an apply that ended without a new desired state (aborted, failed) the changes it saw are compared. */
const RELEASE_GRACE_MS = 1_000;

/**
 * Watches what the agent applied and reports drift within moments: one watch per kind and namespace, each change of a
 * managed object compared with a server-side dry-run apply of its desired state (detectDrift: only the fields Flotilla
 * manages, ignore rules aside), the change attributed to the field manager that made it, and a report sent at once;
 * cleared when the object matches again. In `correct` mode the desired state is re-applied, with backoff, until a
 * controller that keeps reverting it is reported as a fight. A periodic full comparison backs up the watches, and
 * runs whenever an App's objects are handed over (after every apply, and at start-up: so what changed while the agent
 * was down is found).
 */
export class DriftMonitor implements DriftTracker {
  private readonly apps = new Map<string, AppState>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly watches: CollectionWatches;
  private readonly limiter: ConcurrencyLimit;
  private readonly reports: DriftReportQueue;
  private readonly defaults: DriftDefaults;
  private readonly logger: Logger;
  private isStopped = false;

  constructor(private readonly options: DriftMonitorOptions) {
    this.defaults = { ...DRIFT_DEFAULTS, ...options.defaults };
    this.logger = options.logger.child({ component: 'drift' });
    this.limiter = new ConcurrencyLimit(options.concurrency ?? 8);
    this.reports = new DriftReportQueue((report) => options.report(report));
    this.watches = new CollectionWatches({
      client: options.manager.client,
      logger: this.logger,
      onSync: (collection, objects, isFirst) => this.onSync(collection, objects, isFirst),
      onEvent: (collection, type, object) => this.onEvent(collection, type, object),
    });
  }

  /** Number of open watches (one per kind and namespace in use). */
  get watchCount(): number {
    return this.watches.size;
  }

  /** The objects of an App that are drifted now. */
  drifted(app: string): DriftedObject[] {
    return [...(this.apps.get(app)?.keys ?? [])].map((key) => this.tracked.get(key)?.drift).filter((d) => d !== undefined);
  }

  isApplied(assignment: AgentAssignment, previous: InventoryRecord | undefined): boolean {
    const state = this.apps.get(assignment.app);
    if (state) return state.generation === assignment.generation && state.revision === assignment.revision && state.isComplete;
    return previous !== undefined && previous.generation === assignment.generation && previous.revision === assignment.revision;
  }

  hold(app: string): void {
    const state = this.apps.get(app);
    if (!state) return;
    state.isHeld = true;
    for (const key of state.keys) {
      const tracked = this.tracked.get(key);
      const version = tracked?.live?.metadata.resourceVersion;
      if (tracked) tracked.versionsSeen = new Set(version === undefined ? [] : [version]);
    }
  }

  release(app: string): void {
    const state = this.apps.get(app);
    if (!state || !state.isHeld) return;
    state.isHeld = false;
    // An aborted apply is followed at once by the reconcile of a newer generation, which holds the App again: its
    // half-written objects are compared with the generation that replaces them, not taken for drift meanwhile.
    setTimeout(() => {
      if (state.isHeld || this.apps.get(app) !== state) return;
      for (const key of state.keys) {
        const tracked = this.tracked.get(key);
        if (tracked?.isDeferred) {
          tracked.isDeferred = false;
          void this.schedule(tracked, true);
        }
      }
    }, RELEASE_GRACE_MS).unref();
  }

  track(assignment: AgentAssignment, objects: readonly KubeObject[], options: { isComplete: boolean; after?: ReadonlyMap<string, KubeObject> }): void {
    if (this.isStopped) return;
    const { app } = assignment;
    const policy = driftPolicyOf(assignment.policy, this.defaults);
    const existing = this.apps.get(app);
    const isNewGeneration = existing?.generation !== assignment.generation;
    const state: AppState = existing ?? {
      app,
      generation: assignment.generation,
      revision: assignment.revision,
      isComplete: options.isComplete,
      isHeld: false,
      policy,
      keys: new Set(),
      checking: Promise.resolve(),
    };
    Object.assign(state, { generation: assignment.generation, revision: assignment.revision, isComplete: options.isComplete, isHeld: false, policy });
    this.apps.set(app, state);

    const desired = new Map<string, KubeObject>();
    if (policy.mode !== 'off') for (const object of objects) desired.set(objectKey(objectRefOf(object)), object);
    for (const key of [...state.keys]) {
      if (desired.has(key)) continue;
      const tracked = this.tracked.get(key);
      if (tracked?.drift) this.reports.add(app, state.generation, key, { cleared: tracked.ref });
      this.untrack(key);
      state.keys.delete(key);
    }
    for (const [key, object] of desired) {
      const ref = objectRefOf(object);
      const ignored = ignoredFieldsOf(policy.ignore, ref);
      let tracked = this.tracked.get(key);
      if (tracked && tracked.app !== app) {
        this.logger.warn({ app, generation: assignment.generation, revision: assignment.revision, object: tracked.id, owner: tracked.app }, 'object belongs to another app; its drift is reported there');
        continue;
      }
      if (!tracked) {
        tracked = { key, app, ref, id: formatObjectRef(ref), desired: object, collection: this.collectionOf(ref), ignored, isSeen: false, streak: newStreak(), isCorrectionDue: false, again: false, force: false, isDeferred: false };
        if (tracked.collection) this.watches.acquire(tracked.collection);
        this.tracked.set(key, tracked);
      } else {
        Object.assign(tracked, { ref, desired: object, ignored, isDeferred: false });
        if (isNewGeneration) this.resetCorrections(tracked);
      }
      // What the apply answered matches the desired object (Flotilla just wrote it with force); a drift found before
      // is cleared by a comparison of its own.
      const applied = options.after?.get(key);
      tracked.appliedVersion = tracked.drift ? undefined : applied?.metadata.resourceVersion;
      if (tracked.appliedVersion !== undefined) tracked.compared = contentOf(applied);
      state.keys.add(key);
    }

    clearInterval(state.timer);
    state.timer = undefined;
    if (policy.mode !== 'off') {
      state.timer = setInterval(() => void this.checkNow(app), policy.checkIntervalMs);
      state.timer.unref();
    }
    void this.checkNow(app);
  }

  forget(app: string): void {
    const state = this.apps.get(app);
    if (!state) return;
    for (const key of state.keys) this.untrack(key);
    clearInterval(state.timer);
    this.apps.delete(app);
    // The hub drops what it holds of the App.
    this.reports.sendFull(app, state.generation, []);
  }

  /** Compares every object of an App (or of every App) now, then sends a full report of its drift. */
  async checkNow(app?: string): Promise<void> {
    const states = app === undefined ? [...this.apps.values()] : [this.apps.get(app)].filter((s) => s !== undefined);
    await Promise.all(
      states.map((state) => {
        state.checking = state.checking.then(() => this.check(state)).catch((error: Error) => this.logger.error({ ...this.fieldsOf(state), err: error.message }, 'drift check failed'));
        return state.checking;
      }),
    );
  }

  /** Sends the complete drift of every App again (after reconnecting: the hub may have missed reports). */
  resend(): void {
    for (const state of this.apps.values()) this.sendFull(state);
  }

  /** Stops watching and correcting. */
  async stop(): Promise<void> {
    this.isStopped = true;
    for (const state of this.apps.values()) clearInterval(state.timer);
    for (const tracked of this.tracked.values()) clearTimeout(tracked.correction);
    await this.watches.stop();
  }

  private async check(state: AppState): Promise<void> {
    if (this.isStopped || this.apps.get(state.app) !== state) return;
    const keys = [...state.keys];
    const collections = new Set(keys.map((key) => this.tracked.get(key)?.collection).filter((c) => c !== undefined));
    await Promise.all([...collections].map((collection) => this.watches.ready(collection)));
    const compared = keys.map((key) => this.tracked.get(key)).filter((t) => t !== undefined);
    await Promise.all(
      compared.map((tracked) => {
        const isApplied = tracked.appliedVersion !== undefined;
        return this.isLeftToWatch(tracked) ? undefined : this.schedule(tracked, !isApplied);
      }),
    );
    // A reconcile started meanwhile: it hands over the new objects, and a new check follows.
    if (state.isHeld || this.apps.get(state.app) !== state) return;
    this.sendFull(state);
  }

  /**
   * Whether an object the apply just wrote (its answer taken as compared) needs no comparison now: the watch, which has
   * told every version of it since the hold, has not shown that version yet, and its event will ask for a comparison
   * that finds the content compared (or a change made since, which it compares). One the watch shows at that
   * version or past it is compared if its copy differs from the answer (compare() skips the content compared).
   */
  private isLeftToWatch(tracked: Tracked): boolean {
    const version = tracked.appliedVersion;
    const seen = tracked.versionsSeen;
    tracked.appliedVersion = undefined;
    tracked.versionsSeen = undefined;
    // Unknown (no event of it recorded since the hold: new to the App, or the App's first apply): compared as before.
    if (version === undefined || !tracked.isSeen || seen === undefined) return false;
    return tracked.live?.metadata.resourceVersion !== version && !seen.has(version);
  }

  /** The fields of a log line about an App, or about one of its objects: app, generation and revision compared, object. */
  private fieldsOf(of: AppState | Tracked): { app: string; generation?: number; revision?: string; object?: string } {
    const state = 'id' in of ? this.apps.get(of.app) : of;
    return { app: of.app, generation: state?.generation, revision: state?.revision, ...('id' in of ? { object: of.id } : {}) };
  }

  private sendFull(state: AppState): void {
    this.reports.sendFull(state.app, state.generation, this.drifted(state.app));
  }

  private collectionOf(ref: ObjectRef): string | undefined {
    const resource = this.options.manager.discovery.find(ref) ?? this.options.manager.discovery.findAnyVersion(ref);
    return resource ? collectionPath(resource, resource.namespaced ? ref.namespace : '') : undefined;
  }

  private untrack(key: string): void {
    const tracked = this.tracked.get(key);
    if (!tracked) return;
    clearTimeout(tracked.correction);
    this.tracked.delete(key);
    if (tracked.collection) this.watches.release(tracked.collection);
  }

  private resetCorrections(tracked: Tracked): void {
    clearTimeout(tracked.correction);
    tracked.correction = undefined;
    tracked.isCorrectionDue = false;
    tracked.streak = newStreak();
  }

  private onEvent(collection: string, type: WatchEventType, object: KubeObject): void {
    const tracked = this.tracked.get(objectKey(objectRefOf(object)));
    if (!tracked || tracked.collection !== collection) return;
    if (object.metadata.resourceVersion !== undefined) tracked.versionsSeen?.add(object.metadata.resourceVersion);
    tracked.isSeen = true;
    tracked.live = type === 'DELETED' ? undefined : object;
    void this.schedule(tracked, false);
  }

  private onSync(collection: string, objects: KubeObject[], isFirst: boolean): void {
    const listed = new Map(objects.map((object) => [objectKey(objectRefOf(object)), object]));
    for (const tracked of this.tracked.values()) {
      if (tracked.collection !== collection) continue;
      const live = listed.get(tracked.key);
      const isChanged = !tracked.isSeen || live?.metadata.resourceVersion !== tracked.live?.metadata.resourceVersion;
      if (live?.metadata.resourceVersion !== undefined) tracked.versionsSeen?.add(live.metadata.resourceVersion);
      tracked.isSeen = true;
      tracked.live = live;
      // The first list only fills the cache: the full comparison that follows a track() compares everything.
      if (!isFirst && isChanged) void this.schedule(tracked, false);
    }
  }

  /**
   * Compares an object, at most once at a time; a change that comes meanwhile is compared right after. A due correction
   * runs in the same turn-taking: a comparison that saw the corrected object before the correction's apply returned
   * would clear the drift first, and the correction would never be reported.
   */
  private schedule(tracked: Tracked, force: boolean): Promise<void> {
    if (force) tracked.force = true;
    if (tracked.running) {
      tracked.again = true;
      return tracked.running;
    }
    tracked.running = (async () => {
      do {
        tracked.again = false;
        if (tracked.isCorrectionDue) {
          tracked.isCorrectionDue = false;
          // It asks for the comparison that verifies it (this loop goes round again).
          await this.correct(tracked);
          continue;
        }
        const isForced = tracked.force;
        tracked.force = false;
        await this.limiter.run(() => this.compare(tracked, isForced));
      } while (tracked.again && !this.isStopped && this.tracked.get(tracked.key) === tracked);
    })()
      .catch((error: Error) => this.logger.error({ ...this.fieldsOf(tracked), err: error.message }, 'drift comparison failed'))
      .finally(() => {
        tracked.running = undefined;
      });
    return tracked.running;
  }

  private async compare(tracked: Tracked, isForced: boolean): Promise<void> {
    const state = this.apps.get(tracked.app);
    if (!state || this.isStopped || this.tracked.get(tracked.key) !== tracked) return;
    if (state.isHeld) {
      tracked.isDeferred = true;
      return;
    }
    if (tracked.ignored.isWholeObject) {
      this.recordMatch(tracked, state);
      return;
    }
    if (!isForced && tracked.isSeen && isAsCompared(tracked)) return;

    const comparison = await compareObject(this.options.manager, tracked.desired, tracked.isSeen ? tracked.live : undefined, tracked.ignored).catch((error: Error) => {
      this.logger.warn({ ...this.fieldsOf(tracked), err: error.message }, 'drift comparison failed; will compare again');
      return undefined;
    });
    if (!comparison || this.tracked.get(tracked.key) !== tracked) return;
    if (state.isHeld) {
      tracked.isDeferred = true;
      return;
    }
    if (!tracked.isSeen) tracked.live = comparison.live;
    tracked.compared = contentOf(comparison.live);
    if (comparison.drift) this.recordDrift(tracked, state, comparison.drift);
    else this.recordMatch(tracked, state);
  }

  private recordMatch(tracked: Tracked, state: AppState): void {
    if (tracked.drift) {
      this.logger.info(this.fieldsOf(tracked), 'drift cleared');
      tracked.drift = undefined;
      this.reports.add(state.app, state.generation, tracked.key, { cleared: tracked.ref });
    }
    clearTimeout(tracked.correction);
    tracked.correction = undefined;
    // A fight ends when the object matches again; a streak of corrections that held runs out by itself.
    if (tracked.streak.isFighting) tracked.streak = newStreak();
  }

  private recordDrift(tracked: Tracked, state: AppState, finding: DriftFinding & { deleted: boolean }): void {
    const now = Date.now();
    const previous = tracked.drift;
    const isSame = previous !== undefined && previous.deleted === finding.deleted && previous.manager === finding.manager && isJsonEqual(previous.diffs, finding.diffs);
    const decision = state.policy.mode === 'correct' ? decideCorrection(tracked.streak, now, state.policy) : undefined;
    const action: DriftAction = decision?.kind === 'fight' ? 'fighting' : isSame && previous.action === 'corrected' ? 'corrected' : 'reported';
    const drift: DriftedObject = {
      ref: tracked.ref,
      deleted: finding.deleted,
      diffs: finding.diffs,
      manager: finding.manager,
      ...(finding.changedAt ? { changedAt: new Date(finding.changedAt) } : {}),
      detectedAt: isSame ? previous.detectedAt : new Date(now),
      action,
      corrections: tracked.streak.corrections,
    };
    tracked.drift = drift;
    if (!isSame || previous.action !== action || previous.corrections !== drift.corrections) {
      const fields = { ...this.fieldsOf(tracked), manager: drift.manager, deleted: drift.deleted, paths: drift.diffs.map((d) => d.path), action };
      if (action === 'fighting') this.logger.warn({ ...fields, corrections: drift.corrections }, 'another manager keeps reverting this object; stopped correcting it');
      else this.logger.info(fields, 'drift detected');
      this.reports.add(state.app, state.generation, tracked.key, { drift });
    }
    if (decision?.kind === 'correct' && !tracked.correction) {
      tracked.correction = setTimeout(() => {
        tracked.correction = undefined;
        tracked.isCorrectionDue = true;
        void this.schedule(tracked, false);
      }, decision.delayMs);
      tracked.correction.unref();
    }
  }

  /** Re-applies the desired state, with ignored fields at their live values (they are neither compared nor reverted). */
  private async correct(tracked: Tracked): Promise<void> {
    const state = this.apps.get(tracked.app);
    if (!state || this.isStopped || this.tracked.get(tracked.key) !== tracked || state.policy.mode !== 'correct' || state.isHeld || !tracked.drift) return;
    const body = tracked.live && tracked.ignored.pointers.length > 0 ? withValuesFrom(tracked.desired, tracked.live, tracked.ignored.pointers) : tracked.desired;
    try {
      const { entries } = await this.limiter.run(() => this.options.manager.apply([body]));
      const failure = entries.find((entry) => entry.action === 'failed');
      if (failure) throw new Error(failure.error?.message ?? 'apply failed');
    } catch (error) {
      this.logger.warn({ ...this.fieldsOf(tracked), err: (error as Error).message }, 'drift correction failed; the next comparison tries again');
      return;
    }
    recordCorrection(tracked.streak, Date.now());
    if (tracked.drift && this.tracked.get(tracked.key) === tracked) {
      tracked.drift = { ...tracked.drift, action: 'corrected', corrections: tracked.streak.corrections };
      this.logger.info({ ...this.fieldsOf(tracked), corrections: tracked.streak.corrections }, 'drift corrected');
      this.reports.add(state.app, state.generation, tracked.key, { drift: tracked.drift });
    }
    // Verify: the object matches now (cleared), or someone reverted it already (drift again, next in the streak).
    void this.schedule(tracked, true);
  }
}
