import { aggregateHealth, assessHealth, formatObjectRef, isStatusless, objectKey, type HealthAssessment, type KubeObject, type ObjectRef } from '@flotilla/core';
import { mapConcurrent } from './map-concurrent.js';
import { sleep, type ManagerContext } from './manager-context.js';
import { getObject } from './manager-get.js';

/** Options of ResourceManager.waitForHealth; every field has a default. */
export interface WaitOptions {
  /** Give up after this long; default 5 minutes. */
  timeoutMs?: number;
  /** Between two reads of every object; default 2 s. */
  intervalMs?: number;
  /**
   * The objects were just applied (so they exist): those of kinds without status (ConfigMaps, Secrets, RBAC, …;
   * core's isStatusless) are Healthy without a read. A revision's health wait reads only what can change. Default false.
   */
  justApplied?: boolean;
  /**
   * With `justApplied`, the objects as the apply left them (ApplyResult.after, by objectKey): in the first round, one
   * that is Healthy there (healthyAsApplied) is not read again.
   */
  applied?: ReadonlyMap<string, KubeObject>;
  signal?: AbortSignal;
}

/** The health of one object. */
export interface ObjectHealth extends HealthAssessment {
  ref: ObjectRef;
}

/** The health of a set of objects: the aggregate (worst first), each object's, and whether the wait timed out. */
export interface HealthReport {
  health: HealthAssessment;
  objects: ObjectHealth[];
  timedOut: boolean;
}

/**
 * Reads the objects every `intervalMs` and assesses each with core's assessHealth, until all are Healthy (or Unknown:
 * their health cannot be told, so there is nothing to wait for), any is Degraded, or the timeout passes; objects
 * still converging then stay Progressing. A missing object is Progressing; one that cannot be read is Unknown and
 * waited for. With `justApplied`, objects of kinds without status are not read: they exist, so they are Healthy.
 */
export async function waitForHealth(context: ManagerContext, refs: readonly ObjectRef[], options: WaitOptions = {}): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  let answers = options.applied;
  const assess = async (ref: ObjectRef): Promise<{ health: ObjectHealth; readable: boolean }> => {
    const known = options.justApplied ? healthyAsApplied(ref, answers?.get(objectKey(ref))) : undefined;
    return known ? { health: known, readable: true } : assessOne(context, ref, options.signal);
  };
  for (;;) {
    const assessed = await mapConcurrent(refs, context.concurrency, assess);
    answers = undefined;
    const objects = assessed.map(({ health }) => health);
    const degraded = objects.some((o) => o.status === 'Degraded');
    const settled = assessed.every(({ health, readable }) => readable && (health.status === 'Healthy' || health.status === 'Unknown'));
    const left = deadline - Date.now();
    if (degraded || settled || left <= 0) return { health: aggregateHealth(objects), objects, timedOut: !degraded && !settled };
    await sleep(Math.min(intervalMs, left), options.signal);
  }
}

/**
 * The health of an object just applied, when it needs no read: Healthy if its kind has no status (it exists), or if the
 * apply's answer is Healthy (a Namespace Active, a Deployment whose spec did not change and was available); undefined
 * when it must be read.
 */
export function healthyAsApplied(ref: ObjectRef, answer: KubeObject | undefined): ObjectHealth | undefined {
  if (isStatusless(ref)) return { ref, status: 'Healthy', message: `${formatObjectRef(ref)}: applied; a ${ref.kind} has no status to wait for` };
  const health = answer && assessHealth(answer);
  return health?.status === 'Healthy' ? { ref, ...health } : undefined;
}

async function assessOne(context: ManagerContext, ref: ObjectRef, signal?: AbortSignal): Promise<{ health: ObjectHealth; readable: boolean }> {
  try {
    const live = await getObject(context, ref, signal);
    if (!live) return { health: { ref, status: 'Progressing', message: `${formatObjectRef(ref)}: not found` }, readable: false };
    return { health: { ref, ...assessHealth(live) }, readable: true };
  } catch (error) {
    signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    return { health: { ref, status: 'Unknown', message }, readable: false };
  }
}
