import type { LabelSelector } from '@flotilla/core';
import type { AppPolicy, PolicyOverride } from './app-policy.js';
import type { App } from './app.entity.js';

/** An app as the REST API shows it. */
export interface AppView {
  name: string;
  source: string;
  path: string;
  targets: { selector: LabelSelector | null; clusters: string[] };
  variables: Record<string, string>;
  namespace: string;
  policy: AppPolicy;
  /** Per-cluster changes of the policy, by cluster name. */
  policyOverrides: Record<string, PolicyOverride>;
  createdAt: string;
  updatedAt: string;
}

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
