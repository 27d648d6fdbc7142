import { randomUUID } from 'node:crypto';
import {
  createInventory,
  diffInventory,
  formatChangeSet,
  formatObjectRef,
  isBuiltinNamespaced,
  objectKey,
  type ObjectRef,
  summarizeChangeSet,
  type ArtifactSource,
  type ChangeSetEntry,
  type KubeObject,
} from '@flotilla/core';
import { healthyAsApplied, type InventoryStore, type ResourceManager } from '@flotilla/kube';
import type { Logger } from 'pino';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import type { ReconcileReport, ReportError, ReportHealth } from '../assignment/reconcile-report.js';
import type { DriftTracker } from '../drift/drift-tracker.js';
import { describeFailure } from './describe-failure.js';
import { type ArtifactSources, loadArtifact } from './load-artifact.js';
import { missingNamespaces } from './missing-namespaces.js';
import { placeObjects } from './place-objects.js';

/** What a reconcile needs from the outside. */
export interface ReconcileContext {
  manager: ResourceManager;
  inventories: InventoryStore;
  /** Where the assignments' artifacts come from (the cluster's copies, then the hub). */
  artifacts: ArtifactSources;
  logger: Logger;
  /** Receives the report after apply (health still Progressing) and again once health is known. */
  report(report: ReconcileReport): void;
  /** Drift detection, told when Flotilla writes the App's objects and what they should be; absent, nothing is watched. */
  drift?: DriftTracker;
}

/** How one reconcile goes. */
export interface ReconcileOptions {
  /** Apply even a generation applied before (the hub's "sync now"): drift is undone whatever the drift policy says. */
  force?: boolean;
}

/** Inventory fields the agent keeps beside the inventory. */
const HEALTHY_REVISION = 'healthyRevision';

/**
 * One reconcile of one App: load its artifact (kept in the cluster, else fetched from the hub), settle namespaces
 * (creating missing ones when the policy says so), dry-run and apply everything (all or nothing), record the inventory, prune what left it, wait for health. Every
 * outcome, failure included, ends in a report; errors about an object name the file and line it came from.
 */
export async function reconcileApp(context: ReconcileContext, assignment: AgentAssignment, signal: AbortSignal, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const startedAt = new Date();
  const log = context.logger.child({ app: assignment.app, revision: assignment.revision, generation: assignment.generation });
  const base = { app: assignment.app, generation: assignment.generation, revision: assignment.revision, startedAt };
  const finish = (fields: Pick<ReconcileReport, 'phase' | 'health' | 'changes' | 'errors' | 'inventory' | 'nothingApplied'>): ReconcileReport => ({
    ...base,
    ...fields,
    reportId: randomUUID(),
    summary: summarizeChangeSet(fields.changes),
    durationMs: Date.now() - startedAt.getTime(),
  });

  const previous = await context.inventories.load(assignment.app);
  let changes: ChangeSetEntry[] = [];
  let inventory: ObjectRef[];
  let desired: KubeObject[];
  // Whether this reconcile found its generation applied before, rather than applying the objects (so they exist).
  let isApplied: boolean;
  // Each object as the apply left it (none when nothing was applied): the drift monitor's first comparison.
  let after: ReadonlyMap<string, KubeObject> = new Map();
  // Where each object came from, by `Kind/namespace/name`, for the errors that name an object.
  const sources = new Map<string, ArtifactSource>();
  try {
    const artifact = await loadArtifact(context.artifacts, assignment, signal, log);
    await context.manager.discovery.refreshIfOlderThan(60_000);
    const objects = placeObjects(artifact, {
      defaultNamespace: assignment.defaultNamespace,
      isNamespaced: (r) => context.manager.discovery.find(r)?.namespaced ?? isBuiltinNamespaced(r),
    });
    for (const o of objects) sources.set(formatObjectRef(o.ref), o.source);
    desired = objects.map((o) => o.object);
    // A generation applied before (restart, resync) is not applied again: what changed since is drift, for its policy.
    isApplied = !options.force && (context.drift?.isApplied(assignment, previous) ?? false);
    if (!isApplied) context.drift?.hold(assignment.app);
    // Namespaces to create (policy createNamespace) go with the objects, so they are dry-run and staged like declared ones.
    const namespaces = !isApplied && assignment.policy.createNamespace ? await missingNamespaces(context.manager, desired, assignment.app, signal) : [];
    const applied = isApplied ? { entries: [], after } : await context.manager.apply([...namespaces, ...desired], { signal });
    changes = applied.entries;
    after = applied.after;
    inventory = [...createInventory(objects.map((o) => o.ref))];
  } catch (error) {
    context.drift?.release(assignment.app);
    // Cut short for a newer generation or a removal: that one reports, not this one (its reason would be the abort).
    if (signal.aborted) throw error;
    const errors = describeFailure(error, (id) => sources.get(id));
    log.warn({ code: errors[0]?.code, err: errors[0]?.message }, 'reconcile failed; nothing applied');
    const report = finish({ phase: 'Failed', health: 'Unknown', changes, errors, inventory: [...(previous?.inventory ?? [])] });
    context.report(report);
    return report;
  }

  const isComplete = !changes.some((c) => c.action === 'failed');
  context.drift?.track(assignment, desired, { isComplete, after });

  // Record what is now applied before pruning: objects still to prune stay listed, so a crash does not orphan them.
  const toPrune = assignment.policy.prune && previous ? diffInventory(previous.inventory, inventory) : [];
  // Healthy as the apply left it (nothing failed or to prune; each object without status, or Healthy in the apply's
  // answer): the healthy revision goes in this write, and the health wait below reads nothing.
  const isHealthyAtOnce =
    !isApplied && isComplete && toPrune.length === 0 && inventory.every((ref) => healthyAsApplied(ref, after.get(objectKey(ref))) !== undefined);
  const fields = { ...(previous?.fields ?? {}), ...(isHealthyAtOnce ? { [HEALTHY_REVISION]: assignment.revision } : {}) };
  await context.inventories.save(assignment.app, { inventory: [...inventory, ...toPrune], revision: assignment.revision, generation: assignment.generation, fields });
  if (toPrune.length > 0) {
    const pruned = await context.manager.prune(toPrune, { signal });
    changes = [...changes, ...pruned.entries];
    const kept = pruned.entries.filter((e) => e.action === 'failed').map((e) => e.ref);
    await context.inventories.save(assignment.app, { inventory: [...inventory, ...kept], revision: assignment.revision, generation: assignment.generation, fields });
  }

  if (isApplied && changes.length === 0) return reportNothingApplied(context, assignment, inventory, sources, finish, signal);

  const failures: ReportError[] = changes
    .filter((c) => c.action === 'failed')
    .map((c) => ({ code: c.error?.code ?? 'APPLY_FAILED', message: c.error?.message ?? 'failed', object: c.ref, ...sources.get(formatObjectRef(c.ref)) }));
  const phase = failures.length > 0 ? 'Failed' : 'Synced';
  log.info({ changes: formatChangeSet(changes) }, 'applied');
  context.report(finish({ phase, health: 'Progressing', changes, errors: failures, inventory }));

  const health = await context.manager.waitForHealth(inventory, { timeoutMs: assignment.policy.healthTimeoutMs, intervalMs: 1000, justApplied: !isApplied, applied: after, signal });
  const status: ReportHealth = health.timedOut ? 'Degraded' : health.health.status;
  const healthErrors: ReportError[] = health.objects
    .filter((o) => o.status === 'Degraded' || (health.timedOut && o.status === 'Progressing'))
    .map((o) => ({ code: health.timedOut ? 'HEALTH_TIMEOUT' : 'DEGRADED', message: o.message, object: o.ref, ...sources.get(formatObjectRef(o.ref)) }));
  if (status === 'Healthy' && phase === 'Synced' && fields[HEALTHY_REVISION] !== assignment.revision) {
    await context.inventories.save(assignment.app, {
      inventory,
      revision: assignment.revision,
      generation: assignment.generation,
      fields: { ...fields, [HEALTHY_REVISION]: assignment.revision },
    });
  }
  const report = finish({ phase, health: status, changes, errors: [...failures, ...healthErrors], inventory });
  log.info({ health: status, durationMs: report.durationMs }, 'reconciled');
  context.report(report);
  return report;
}

/**
 * The end of a resync that found its generation applied before and nothing to do: health as it is now (one check, no
 * wait), one report marked nothingApplied, so the hub keeps the change set it holds and adds no history entry.
 */
async function reportNothingApplied(
  context: ReconcileContext,
  assignment: AgentAssignment,
  inventory: ObjectRef[],
  sources: ReadonlyMap<string, ArtifactSource>,
  finish: (fields: Pick<ReconcileReport, 'phase' | 'health' | 'changes' | 'errors' | 'inventory' | 'nothingApplied'>) => ReconcileReport,
  signal: AbortSignal,
): Promise<ReconcileReport> {
  const health = await context.manager.waitForHealth(inventory, { timeoutMs: 0, signal });
  const errors: ReportError[] = health.objects
    .filter((o) => o.status === 'Degraded')
    .map((o) => ({ code: 'DEGRADED', message: o.message, object: o.ref, ...sources.get(formatObjectRef(o.ref)) }));
  const report = finish({ phase: 'Synced', health: health.health.status, changes: [], errors, inventory, nothingApplied: true });
  context.logger.debug({ app: assignment.app, generation: assignment.generation, health: report.health }, 'resync: nothing to apply');
  context.report(report);
  return report;
}

/** Deletes what an App applied (when its policy says prune) and forgets it; `generation` is the removal's. */
export async function removeApp(
  context: Pick<ReconcileContext, 'manager' | 'inventories' | 'logger' | 'drift'>,
  removal: { app: string; generation: number; prune: boolean },
): Promise<ChangeSetEntry[]> {
  const { app, generation, prune } = removal;
  context.drift?.forget(app);
  const stored = await context.inventories.load(app);
  let entries: ChangeSetEntry[] = [];
  if (prune && stored && stored.inventory.length > 0) {
    entries = (await context.manager.prune([...stored.inventory])).entries;
    const failed = entries.filter((e) => e.action === 'failed');
    if (failed.length > 0) {
      // Keep the record of what could not be deleted, so the next attempt tries again.
      await context.inventories.save(app, { ...stored, inventory: failed.map((e) => e.ref) });
      throw new Error(`removing app ${app}: ${formatChangeSet(entries)}`);
    }
  }
  await context.inventories.remove(app);
  context.logger.info({ app, generation, changes: formatChangeSet(entries) }, prune ? 'app removed and pruned' : 'app removed; objects left in place');
  return entries;
}
