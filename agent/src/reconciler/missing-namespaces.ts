import type { KubeObject } from '@flotilla/core';
import type { ResourceManager } from '@flotilla/kube';

/** Labels of a namespace an agent created for an App (policy createNamespace). */
export function createdNamespaceLabels(app: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/app': app };
}

/**
 * Namespace objects for the namespaces an App's objects are in that the App does not declare and the cluster does not
 * have: applied with the App's objects (in the namespace stage, before what goes in them), but kept out of its
 * inventory, so they are never pruned, as Argo CD's CreateNamespace does.
 */
export async function missingNamespaces(manager: Pick<ResourceManager, 'get'>, objects: readonly KubeObject[], app: string, signal?: AbortSignal): Promise<KubeObject[]> {
  const declared = new Set(objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => o.metadata.name));
  const used = [...new Set(objects.map((o) => o.metadata.namespace ?? '').filter((ns) => ns !== '' && !declared.has(ns)))].sort();
  const missing: KubeObject[] = [];
  for (const name of used) {
    const live = await manager.get({ group: '', version: 'v1', kind: 'Namespace', namespace: '', name }, { signal });
    if (!live) missing.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: createdNamespaceLabels(app) } });
  }
  return missing;
}
