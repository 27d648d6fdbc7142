import { FlotillaError, formatObjectRef, type KubeObject, type ObjectRef } from '@flotilla/core';
import { type DiscoveredResource } from './discovery.js';
import { isNotFound, mapApiError } from './map-api-error.js';
import { objectPath } from './object-path.js';
import { type ManagerContext } from './manager-context.js';

/**
 * The served kind of a ref: its own version when served, else the preferred served version of its group and kind
 * (an inventory may name v1beta1 after the cluster moved to v1). Undefined when the kind is not served at all.
 */
export function resourceOf(context: ManagerContext, ref: ObjectRef): DiscoveredResource | undefined {
  return context.discovery.find(ref) ?? context.discovery.findAnyVersion(ref);
}

/** The URL path of a ref of a served kind; a namespaced kind without a namespace is an INVALID_ARGUMENT. */
export function pathOf(resource: DiscoveredResource, ref: ObjectRef): string {
  if (resource.namespaced && ref.namespace === '') {
    throw new FlotillaError('INVALID_ARGUMENT', `${formatObjectRef(ref)}: ${ref.kind} is namespaced, but the object has no namespace`, {
      data: { object: formatObjectRef(ref) },
    });
  }
  return objectPath(resource, ref.namespace, ref.name);
}

/**
 * Reads the live object, or undefined when it (or its namespace, or its kind) does not exist. An unknown kind re-reads
 * discovery when it is more than a second old, as the kind may come from a CRD created since.
 */
export async function getObject(context: ManagerContext, ref: ObjectRef, signal?: AbortSignal): Promise<KubeObject | undefined> {
  await context.discovery.load();
  if (!resourceOf(context, ref)) await context.discovery.refreshIfOlderThan(1_000);
  const resource = resourceOf(context, ref);
  if (!resource) return undefined;
  const path = pathOf(resource, ref);
  try {
    return await context.client.request<KubeObject>({ method: 'GET', path, signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw mapApiError(error, { object: formatObjectRef(ref), verb: 'get' });
  }
}
