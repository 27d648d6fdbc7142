import type { AppRenderStatusView, AppView } from '@flotilla/api';
import type { AppRenderState } from '../rendering/render-status.js';
import type { App } from './app.entity.js';

/** Maps a stored app (and how its latest revision rendered) to its REST view. */
export function toAppView(app: App, render: AppRenderState | null): AppView {
  return {
    name: app.name,
    source: app.sourceName,
    path: app.path,
    targets: { selector: app.targetSelector, clusters: app.targetClusters },
    variables: app.variables,
    namespace: app.defaultNamespace,
    policy: { ...app.policy, createNamespace: app.policy.createNamespace ?? false },
    policyOverrides: app.policyOverrides ?? {},
    render: { allowRemoteBases: app.render?.allowRemoteBases ?? false },
    renderStatus: render ? toRenderStatusView(render) : null,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

/** An app's render state as the REST API shows it. */
export function toRenderStatusView(render: AppRenderState): AppRenderStatusView {
  return {
    state: render.state,
    revision: render.revision,
    ...(render.failure ? { renderer: render.failure.renderer, message: render.failure.message, ...(render.failure.file ? { file: render.failure.file } : {}) } : {}),
    clusters: render.clusters,
    updatedAt: render.updatedAt.toISOString(),
  };
}
