import { formatObjectRef, isPruneDisabled, planPruneStages, type ChangeSetEntry, type KubeObject, type ObjectRef } from '@flotilla/core';
import { isNotFound, mapApiError } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';
import { type ManagerContext } from './manager-context.js';
import { pathOf, resourceOf } from './manager-get.js';

/** Options of ResourceManager.prune; every field has a default. */
export interface PruneOptions {
  /** How dependents (a Deployment's ReplicaSets) go: default `Background`, the garbage collector removes them after. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  signal?: AbortSignal;
}

/** The change set of one prune: `pruned`, `skipped` or `failed` per ref, in the order they were handled. */
export interface PruneResult {
  entries: ChangeSetEntry[];
}

/**
 * Deletes objects that left the inventory, in reverse apply order (webhooks first, CRDs last), in parallel within a
 * stage. An object whose live copy says `flotilla.dev/prune: disabled` is kept (`skipped`); one already gone (or whose
 * kind is no longer served) counts as pruned. The delete is conditional on the live object's uid, so an object
 * deleted and re-created by someone else meanwhile is not removed.
 */
export async function pruneObjects(context: ManagerContext, refs: readonly ObjectRef[], options: PruneOptions = {}): Promise<PruneResult> {
  await context.discovery.load();
  // An unknown kind counts as pruned (its CRD is gone), so make sure it is not merely missing from a stale cache.
  if (refs.some((ref) => !resourceOf(context, ref))) await context.discovery.refresh();
  const entries: ChangeSetEntry[] = [];
  for (const stage of planPruneStages(refs, (ref) => resourceOf(context, ref)?.namespaced)) {
    options.signal?.throwIfAborted();
    entries.push(...(await mapConcurrent(stage.objects, context.concurrency, (ref) => pruneOne(context, ref, options))));
  }
  return { entries };
}

async function pruneOne(context: ManagerContext, ref: ObjectRef, options: PruneOptions): Promise<ChangeSetEntry> {
  const id = formatObjectRef(ref);
  let verb = 'get';
  try {
    const resource = resourceOf(context, ref);
    if (!resource) return { ref, action: 'pruned' };
    const path = pathOf(resource, ref);
    const live = await context.client.request<KubeObject>({ method: 'GET', path, signal: options.signal }).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
    if (!live) return { ref, action: 'pruned' };
    if (isPruneDisabled(live)) return { ref, action: 'skipped' };
    verb = 'delete';
    await context.client
      .request({
        method: 'DELETE',
        path,
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: options.propagationPolicy ?? 'Background',
          preconditions: { uid: live.metadata.uid },
        },
        signal: options.signal,
      })
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    return { ref, action: 'pruned' };
  } catch (error) {
    options.signal?.throwIfAborted();
    const mapped = mapApiError(error, { object: id, verb });
    return { ref, action: 'failed', error: { code: mapped.code, message: mapped.message } };
  }
}
