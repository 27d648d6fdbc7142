import type { PolicyBody } from '@flotilla/api';
import type { AppPolicy } from './app-policy.js';
import { mergeRolloutStrategy } from './rollout-strategy.js';

/** Overlays the fields a body gives onto a policy. */
export function mergePolicy(base: AppPolicy, patch: PolicyBody): AppPolicy {
  return {
    prune: patch.prune ?? base.prune,
    drift: { ...base.drift, ...stripUndefined(patch.drift ?? {}) },
    health: { ...base.health, ...stripUndefined(patch.health ?? {}) },
    rollback: { ...base.rollback, ...stripUndefined(patch.rollback ?? {}) },
    // Left out when neither gives it (apps stored before it), so their assignments do not change on upgrade.
    ...((patch.createNamespace ?? base.createNamespace) !== undefined ? { createNamespace: patch.createNamespace ?? base.createNamespace } : {}),
    rollout: mergeRolloutStrategy(base.rollout, patch.rollout),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
