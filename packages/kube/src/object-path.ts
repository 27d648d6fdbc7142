import { type DiscoveredResource } from './discovery.js';

/** The URL path of one object of a served kind: `/apis/apps/v1/namespaces/web/deployments/api`, `/api/v1/namespaces/web`. */
export function objectPath(resource: DiscoveredResource, namespace: string, name: string): string {
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
}

/** The URL path of the objects of a kind, in one namespace when it is namespaced. */
export function collectionPath(resource: DiscoveredResource, namespace: string): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${resource.resource}`;
}
