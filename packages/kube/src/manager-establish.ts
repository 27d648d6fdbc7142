import { isPlainObject, type KubeObject } from '@flotilla/core';
import { type CrdKind } from '@flotilla/core';
import { isNotFound, mapApiError } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';
import { sleep, type ManagerContext } from './manager-context.js';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/**
 * Waits until each CRD is Established and every served version of its kind shows up in discovery (discovery lags
 * Established by a moment), refreshing discovery as it goes. Resolves to a message per CRD that did not make it
 * within `timeoutMs` or whose names were refused (NamesAccepted=False); empty when all are served.
 */
export async function waitForCrdsServed(
  context: ManagerContext,
  crds: readonly CrdKind[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const pending = new Map(crds.map((crd) => [crd.crdName, crd]));
  const state = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  while (pending.size > 0) {
    const established: CrdKind[] = [];
    await mapConcurrent([...pending.values()], context.concurrency, async (crd) => {
      const id = `CustomResourceDefinition/${crd.crdName}`;
      const live = await context.client
        .request<KubeObject>({ method: 'GET', path: `${CRD_PATH}/${encodeURIComponent(crd.crdName)}`, signal })
        .catch((error: unknown) => {
          if (isNotFound(error)) return undefined;
          state.set(crd.crdName, mapApiError(error, { object: id, verb: 'get' }).message);
          return undefined;
        });
      if (!live) {
        if (!state.has(crd.crdName)) state.set(crd.crdName, `${id} does not exist`);
        return;
      }
      const conditions = conditionsOf(live);
      const names = conditions.find((c) => c.type === 'NamesAccepted');
      if (names?.status === 'False') {
        failures.set(crd.crdName, `${id}: names not accepted: ${describe(names)}`);
        pending.delete(crd.crdName);
        return;
      }
      const ready = conditions.find((c) => c.type === 'Established');
      if (ready?.status === 'True') established.push(crd);
      else state.set(crd.crdName, `${id} is not Established yet${ready ? ` (${describe(ready)})` : ''}`);
    });
    if (established.length > 0) {
      await context.discovery.refresh();
      for (const crd of established) {
        const missing = crd.versions.filter((version) => !context.discovery.find({ group: crd.group, version, kind: crd.kind }));
        if (missing.length === 0) pending.delete(crd.crdName);
        else state.set(crd.crdName, `CustomResourceDefinition/${crd.crdName} is Established but discovery does not serve ${crd.kind} at ${missing.join(', ')} yet`);
      }
    }
    if (pending.size === 0) break;
    const left = deadline - Date.now();
    if (left <= 0) {
      for (const name of pending.keys()) {
        failures.set(name, `${state.get(name) ?? `CustomResourceDefinition/${name} is not Established`} after waiting ${Math.round(timeoutMs / 1000)}s`);
      }
      break;
    }
    await sleep(Math.min(delay, left), signal);
    delay = Math.min(delay * 2, 1_000);
  }
  return failures;
}

function conditionsOf(obj: KubeObject): Condition[] {
  const status = obj['status'];
  const conditions = isPlainObject(status) ? status['conditions'] : undefined;
  return Array.isArray(conditions) ? conditions.filter(isPlainObject).map((c) => c as Condition) : [];
}

const describe = (c: Condition): string => [c.reason, c.message].filter(Boolean).join(': ') || `status ${c.status ?? 'unknown'}`;
