import type { AppPolicy } from './app-policy.js';
import type { App } from './app.entity.js';
import { mergePolicy } from './merge-policy.js';

/** The policy an app has on one cluster: its own, with that cluster's override merged over it. */
export function policyForCluster(app: Pick<App, 'policy' | 'policyOverrides'>, cluster: string): AppPolicy {
  const override = app.policyOverrides?.[cluster];
  return override ? mergePolicy(app.policy, override) : app.policy;
}
