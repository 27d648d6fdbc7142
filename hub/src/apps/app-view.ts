import type { AppView } from '@flotilla/api';
import type { App } from './app.entity.js';

/** Maps a stored app to its REST view. */
export function toAppView(app: App): AppView {
  return {
    name: app.name,
    source: app.sourceName,
    path: app.path,
    targets: { selector: app.targetSelector, clusters: app.targetClusters },
    variables: app.variables,
    namespace: app.defaultNamespace,
    policy: app.policy,
    policyOverrides: app.policyOverrides ?? {},
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}
