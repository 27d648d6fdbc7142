import { formatObjectRef, objectRefOf, type KubeObject, type ObjectRef } from '@flotilla/core';
import { APPLY_PATCH } from './kube-client.js';
import { isNotFound, mapApiError } from './map-api-error.js';
import { applyQuery } from './manager-dry-run.js';
import { type ManagerContext } from './manager-context.js';
import { pathOf, resourceOf } from './manager-get.js';

/** Options of ResourceManager.diff. */
export interface DiffOptions {
  /**
   * A copy of the live object the caller already holds (from a watch): used instead of reading the object when its
   * resourceVersion is the one the dry-run was computed from.
   */
  live?: KubeObject;
  /** The API server's field validation; default `Strict`, as apply. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  signal?: AbortSignal;
}

/** The two sides of a comparison: what applying would make of the object, and the object as it is. */
export interface DiffResult {
  ref: ObjectRef;
  id: string;
  /** The server-side dry-run apply of the desired object (force); undefined when it cannot be computed (kind or namespace gone). */
  dryRun: KubeObject | undefined;
  /** The live object, from the same resourceVersion as `dryRun`; undefined when the object does not exist. */
  live: KubeObject | undefined;
}

/** How many times a dry-run is repeated when the object changes between it and the read of the live object. */
const ATTEMPTS = 3;

/**
 * Computes what applying an object would do without doing it, like fluxcd/pkg's ResourceManager.Diff: a server-side
 * dry-run apply (field manager, force) and the live object at the same resourceVersion, so that the two differ only by
 * what the apply would change. A missing kind, namespace or object answers `live: undefined`.
 */
export async function diffObject(context: ManagerContext, object: KubeObject, options: DiffOptions = {}): Promise<DiffResult> {
  const ref = objectRefOf(object);
  const id = formatObjectRef(ref);
  await context.discovery.load();
  if (!resourceOf(context, ref)) await context.discovery.refreshIfOlderThan(1_000);
  const resource = resourceOf(context, ref);
  if (!resource) return { ref, id, dryRun: undefined, live: undefined };
  const path = pathOf(resource, ref);
  const body = resource.namespaced ? object : { ...object, metadata: { ...object.metadata, namespace: undefined } };
  let dryRun: KubeObject | undefined;
  let live: KubeObject | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      dryRun = await context.client.request<KubeObject>({
        method: 'PATCH',
        path,
        query: applyQuery(context, { fieldValidation: options.fieldValidation ?? 'Strict', force: true }, true),
        body,
        contentType: APPLY_PATCH,
        signal: options.signal,
      });
    } catch (error) {
      // The namespace is gone (a dry-run create in a missing namespace is a 404).
      if (isNotFound(error)) return { ref, id, dryRun: undefined, live: undefined };
      throw mapApiError(error, { object: id, verb: 'dry-run' });
    }
    const version = dryRun.metadata.resourceVersion;
    // A dry-run create has no resourceVersion: the object does not exist.
    if (!version) return { ref, id, dryRun, live: undefined };
    if (options.live?.metadata.resourceVersion === version) return { ref, id, dryRun, live: options.live };
    try {
      live = await context.client.request<KubeObject>({ method: 'GET', path, signal: options.signal });
    } catch (error) {
      if (isNotFound(error)) return { ref, id, dryRun: undefined, live: undefined };
      throw mapApiError(error, { object: id, verb: 'get' });
    }
    if (live.metadata.resourceVersion === version) break;
  }
  return { ref, id, dryRun, live };
}
