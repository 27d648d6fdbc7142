import { isTransientFailure } from '@flotilla/core';
import type { Logger } from 'pino';
import type { AgentAssignment, HeldState } from '../assignment/agent-assignment.js';
import type { ReconcileReport } from '../assignment/reconcile-report.js';
import type { AutoRollback, ReconcileFunction } from '../rollback/auto-rollback.js';
import type { ArtifactStore } from '../state/artifact-store.js';
import type { AssignmentStore } from '../state/assignment-store.js';
import { reconcileApp, type ReconcileContext, removeApp } from './reconcile-app.js';

/** Where the reconciler's results go (the hub connection, which buffers while the hub is away). */
export interface ReconcileSink {
  report(report: ReconcileReport): void;
  ack(app: string, generation: number): void;
}

/** Options of a Reconciler. */
export interface ReconcilerOptions {
  context: Omit<ReconcileContext, 'report'>;
  store: AssignmentStore;
  sink: ReconcileSink;
  logger: Logger;
  /** Apps reconciled at once; default 4. */
  concurrency?: number;
  /** Every App is reconciled again this often, hub or no hub; default 5 minutes. */
  resyncIntervalMs?: number;
  /** First retry delay after a failure that may pass (hub or API server out of reach); doubles up to the resync interval. */
  retryDelayMs?: number;
  /** Returns a cluster to its last healthy revision when a revision fails and the App's policy allows it. */
  autoRollback?: AutoRollback;
}

/** Told the report of the reconcile that carried out a "sync now", or undefined when none did (the App left). */
type SyncWaiter = (report: ReconcileReport | undefined) => void;

/** A reconcile (forced: apply even a generation applied before; waited for by "sync now" requests), or a removal. */
type Work = { kind: 'reconcile'; force?: boolean; waiters?: SyncWaiter[] } | { kind: 'remove'; generation: number; prune: boolean };

/** Tells the syncs waiting on a piece of work how it ended (undefined: no reconcile carried them out). */
function answer(work: Work, report: ReconcileReport | undefined): void {
  if (work.kind === 'reconcile') for (const waiter of work.waiters ?? []) waiter(report);
}

/**
 * Level-triggered per-App work queue: it holds the latest assignment of each App (persisted in the cluster, so it
 * keeps enforcing them without a hub), reconciles each App one at a time (several Apps in parallel), coalesces
 * updates that arrive while one runs, aborts a health wait that a newer generation makes moot, and re-reconciles
 * everything periodically.
 */
export class Reconciler {
  private readonly held = new Map<string, AgentAssignment>();
  private readonly applied = new Map<string, { generation: number; revision: string }>();
  private readonly pending = new Map<string, Work>();
  private readonly running = new Map<string, AbortController>();
  private readonly retries = new Map<string, { attempts: number; timer: NodeJS.Timeout }>();
  private resyncTimer: NodeJS.Timeout | undefined;
  private collecting: Promise<void> | undefined;
  private collectAgain = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly resyncIntervalMs: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: ReconcilerOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.resyncIntervalMs = options.resyncIntervalMs ?? 300_000;
    this.retryDelayMs = options.retryDelayMs ?? 5_000;
  }

  /** Loads what the cluster remembers (assignments and inventories), and starts enforcing it. */
  async start(): Promise<void> {
    for (const assignment of await this.options.store.list()) this.held.set(assignment.app, assignment);
    for (const record of await this.options.context.inventories.list()) {
      this.applied.set(record.app, { generation: record.generation, revision: record.revision });
    }
    this.options.logger.info({ apps: [...this.held.keys()] }, 'resuming stored assignments');
    for (const app of this.held.keys()) this.enqueue(app, { kind: 'reconcile' });
    this.resyncTimer = setInterval(() => this.resync(), this.resyncIntervalMs);
    this.resyncTimer.unref();
  }

  /** Stops taking work and aborts what runs. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    for (const retry of this.retries.values()) clearTimeout(retry.timer);
    for (const controller of this.running.values()) controller.abort();
    await this.idle();
    await this.collecting;
  }

  /** What the agent holds, for the hub. */
  states(): HeldState[] {
    return [...this.held.values()].map((a) => ({
      app: a.app,
      receivedGeneration: a.generation,
      appliedGeneration: this.applied.get(a.app)?.generation ?? 0,
      appliedRevision: this.applied.get(a.app)?.revision ?? '',
    }));
  }

  /** Takes a new or repeated assignment. Older generations are ignored; a repeat of the applied one is acked again. */
  async assign(assignment: AgentAssignment): Promise<void> {
    const current = this.held.get(assignment.app);
    if (current && assignment.generation < current.generation) return;
    // The same generation with an artifact, where the held one has none (a hub upgraded to render), replaces it.
    const isNowRendered = current !== undefined && assignment.artifact !== undefined && current.artifact === undefined;
    if (current && assignment.generation === current.generation && !isNowRendered) {
      const applied = this.applied.get(assignment.app);
      if (applied && applied.generation >= assignment.generation && !this.pending.has(assignment.app) && !this.running.has(assignment.app)) {
        this.options.sink.ack(assignment.app, assignment.generation);
      }
      return;
    }
    await this.options.store.save(assignment);
    this.held.set(assignment.app, assignment);
    this.running.get(assignment.app)?.abort();
    this.enqueue(assignment.app, { kind: 'reconcile' });
  }

  /** Takes the removal of an App from this cluster. */
  unassign(app: string, generation: number, prune: boolean): void {
    const current = this.held.get(app);
    if (current && generation <= current.generation) return;
    if (!current && !this.applied.has(app)) {
      this.options.sink.ack(app, generation);
      return;
    }
    this.running.get(app)?.abort();
    this.enqueue(app, { kind: 'remove', generation, prune });
  }

  /** The hub listed every App assigned here: the others were removed while the agent was away. */
  reconcileAssignedSet(apps: readonly string[]): void {
    const assigned = new Set(apps);
    for (const [app, held] of this.held) {
      if (!assigned.has(app)) this.unassign(app, held.generation + 1, held.policy.prune);
    }
  }

  /**
   * Reconciles an App at once, applying its current generation even when it was applied before, so drift is undone
   * whatever its drift policy says (the hub's "sync now"). Resolves with that reconcile's report (health included), or
   * undefined when the App is not held here or is removed first.
   */
  reconcileNow(app: string): Promise<ReconcileReport | undefined> {
    if (this.stopped || !this.held.has(app)) return Promise.resolve(undefined);
    return new Promise((resolve) => this.enqueue(app, { kind: 'reconcile', force: true, waiters: [resolve] }));
  }

  /** Resolves when no work is queued or running. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private resync(): void {
    for (const app of this.held.keys()) if (!this.pending.has(app)) this.enqueue(app, { kind: 'reconcile' });
  }

  private enqueue(app: string, work: Work): void {
    if (this.stopped) return;
    const retry = this.retries.get(app);
    if (retry) clearTimeout(retry.timer);
    // A removal outranks a reconcile queued before it; a newer assignment replaces a queued removal. Reconciles queued
    // together become one, forced if either was, answering every sync waiting on either.
    const queued = this.pending.get(app);
    if (queued?.kind === 'reconcile' && work.kind === 'reconcile') {
      work = { kind: 'reconcile', force: queued.force === true || work.force === true, waiters: [...(queued.waiters ?? []), ...(work.waiters ?? [])] };
    } else if (queued?.kind === 'reconcile') {
      answer(queued, undefined);
    }
    this.pending.set(app, work);
    this.pump();
  }

  private pump(): void {
    for (const [app, work] of this.pending) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(app)) continue;
      this.pending.delete(app);
      const controller = new AbortController();
      this.running.set(app, controller);
      void this.run(app, work, controller.signal).finally(() => {
        this.running.delete(app);
        this.collectArtifacts();
        this.pump();
        if (this.pending.size === 0 && this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  private async run(app: string, work: Work, signal: AbortSignal): Promise<void> {
    const { logger, sink } = this.options;
    try {
      if (work.kind === 'remove') {
        await removeApp(this.options.context, { app, generation: work.generation, prune: work.prune });
        await this.options.autoRollback?.forget(app);
        await this.options.store.remove(app);
        this.held.delete(app);
        this.applied.delete(app);
        this.retries.delete(app);
        sink.ack(app, work.generation);
        return;
      }
      const assignment = this.held.get(app);
      if (!assignment) {
        answer(work, undefined);
        return;
      }
      // Rollback is given this function: it reconciles the healthy assignment with it too, its reports relabelled.
      const reconcile: ReconcileFunction = (target, targetSignal, relabel = (r) => r) =>
        reconcileApp({ ...this.options.context, report: (r) => sink.report(relabel(r)) }, target, targetSignal, { force: work.force === true && target === assignment });
      const { autoRollback } = this.options;
      const report = autoRollback ? await autoRollback.reconcile(reconcile, assignment, signal) : await reconcile(assignment, signal);
      if (signal.aborted) {
        this.handOnWaiters(app, work);
        return;
      }
      answer(work, report);
      if (report.phase !== 'Failed' || report.changes.length > 0) this.applied.set(app, { generation: report.generation, revision: report.revision });
      sink.ack(app, assignment.generation);
      if (report.phase === 'Failed' && report.errors.some((e) => isTransientFailure(e.code))) this.retryLater(app);
      else this.retries.delete(app);
    } catch (error) {
      // Aborted for a newer generation or a removal, which is queued already.
      if (signal.aborted) {
        this.handOnWaiters(app, work);
        return;
      }
      answer(work, undefined);
      const held = this.held.get(app);
      const fields = work.kind === 'remove' ? { app, generation: work.generation } : { app, generation: held?.generation, revision: held?.revision };
      logger.error({ ...fields, err: (error as Error).message }, work.kind === 'remove' ? 'removing app failed; will retry' : 'reconcile failed; will retry');
      this.retryLater(app, work);
    }
  }

  /** A reconcile cut short by newer work: the syncs waiting on it wait for that work instead (a newer reconcile). */
  private handOnWaiters(app: string, work: Work): void {
    if (work.kind !== 'reconcile' || !work.waiters?.length) return;
    const next = this.pending.get(app);
    if (next?.kind === 'reconcile') next.waiters = [...(next.waiters ?? []), ...work.waiters];
    else answer(work, undefined);
  }

  /**
   * Deletes the stored artifacts no held assignment names and no rollback needs (the last healthy one of each App).
   * Runs after each piece of work, one collection at a time; a failure is logged and the next run tries again.
   */
  private collectArtifacts(): void {
    const { store } = this.options.context.artifacts;
    if (this.stopped) return;
    if (this.collecting) {
      this.collectAgain = true;
      return;
    }
    this.collecting = this.collectOnce(store)
      .catch((error: Error) => this.options.logger.warn({ err: error.message }, 'collecting stored artifacts failed; will try again'))
      .finally(() => {
        this.collecting = undefined;
        if (this.collectAgain) {
          this.collectAgain = false;
          this.collectArtifacts();
        }
      });
  }

  private async collectOnce(store: ArtifactStore): Promise<void> {
    const listed = await store.stored();
    const stored = [...listed.keys()];
    if (stored.length === 0) return;
    // Computed after listing: an artifact stored since is not listed, so it cannot be taken for unused.
    const keep = new Set<string>();
    for (const held of this.held.values()) if (held.artifact) keep.add(held.artifact.digest);
    for (const digest of (await this.options.autoRollback?.retainedArtifacts([...this.held.keys()])) ?? []) keep.add(digest);
    if (stored.every((digest) => keep.has(digest))) return;
    const removed = await store.retainOnly(keep, listed);
    if (removed.length > 0) this.options.logger.info({ removed }, 'stored artifacts no longer enforced deleted');
  }

  private retryLater(app: string, work: Work = { kind: 'reconcile' }): void {
    if (this.stopped) return;
    const attempts = (this.retries.get(app)?.attempts ?? 0) + 1;
    const delay = Math.min(this.resyncIntervalMs, this.retryDelayMs * 2 ** (attempts - 1));
    const timer = setTimeout(() => {
      this.enqueue(app, work);
      const entry = this.retries.get(app);
      if (entry) this.retries.set(app, { ...entry, attempts });
    }, delay);
    timer.unref();
    this.retries.set(app, { attempts, timer });
  }
}
