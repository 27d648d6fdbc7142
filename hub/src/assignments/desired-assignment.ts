import { matchesLabelSelector } from '@flotilla/core';
import type { AppPolicy } from '../apps/app-policy.js';
import type { App } from '../apps/app.entity.js';
import { policyForCluster } from '../apps/policy-for-cluster.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import type { Source } from '../sources/source.entity.js';
import type { AllowedRevision } from './assignment-gate.js';
import type { Assignment } from './assignment.entity.js';

/** The fields of an Assignment that make up the desired state (a change of any bumps the generation). */
export interface DesiredAssignment {
  sourceName: string;
  sourceUrl: string;
  ref: string;
  commit: string;
  path: string;
  variables: Record<string, string>;
  defaultNamespace: string;
  policy: AppPolicy;
  pinned: boolean;
  /** The rendered objects for this cluster at `commit`. */
  artifactDigest: string;
  artifactSize: number;
}

/** A rendered artifact as an assignment names it. */
export interface AssignedArtifact {
  digest: string;
  size: number;
}

/** Whether an app targets a cluster: named explicitly, or matched by its selector. */
export function isTarget(app: App, cluster: Cluster): boolean {
  return app.targetClusters.includes(cluster.name) || (app.targetSelector !== null && matchesLabelSelector(app.targetSelector, cluster.labels));
}

/**
 * The variables a cluster sees: the app's, then `cluster.name` and `cluster.labels.<key>`. A label key's `/` (and
 * anything else a variable name cannot hold) becomes `_`: `example.com/team` is `${cluster.labels.example.com_team}`.
 */
export function clusterVariables(app: App, cluster: Cluster): Record<string, string> {
  const variables: Record<string, string> = { ...app.variables, 'cluster.name': cluster.name };
  for (const [key, value] of Object.entries(cluster.labels)) variables[`cluster.labels.${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`] = value;
  return variables;
}

/**
 * The commit a cluster must run for an app now: the one the rollouts allow it (`allowed`), or else the source's,
 * except that a pinned assignment keeps its commit whatever the branch does.
 */
export function desiredCommit(source: Source & { commit: string }, current: Assignment | null, allowed?: AllowedRevision): { commit: string; pinned: boolean } {
  const pinned = allowed ? allowed.pinned : current?.active === true && current.pinned && current.commit !== null;
  return { commit: allowed ? allowed.commit : pinned ? (current?.commit as string) : source.commit, pinned };
}

/** What a cluster must run for an app now: the commit (see desiredCommit) and the artifact rendered from it. */
export function desiredAssignment(
  app: App,
  source: Source & { commit: string },
  cluster: Cluster,
  revision: { commit: string; pinned: boolean },
  artifact: AssignedArtifact,
): DesiredAssignment {
  // The rollout strategy is the hub's business; agents get the rest of the policy.
  const { rollout: _strategy, ...policy } = policyForCluster(app, cluster.name);
  return {
    sourceName: source.name,
    sourceUrl: source.url,
    ref: source.ref,
    commit: revision.commit,
    path: app.path,
    variables: clusterVariables(app, cluster),
    defaultNamespace: app.defaultNamespace,
    policy,
    pinned: revision.pinned,
    artifactDigest: artifact.digest,
    artifactSize: artifact.size,
  };
}

/**
 * Whether a stored assignment already holds the desired state. The commit is not compared: the artifact is what the
 * cluster applies, and a commit that leaves it unchanged is no change.
 */
export function isSameAssignment(current: Assignment, desired: DesiredAssignment): boolean {
  return (
    current.active &&
    current.artifactDigest === desired.artifactDigest &&
    current.sourceName === desired.sourceName &&
    current.sourceUrl === desired.sourceUrl &&
    current.ref === desired.ref &&
    current.path === desired.path &&
    current.defaultNamespace === desired.defaultNamespace &&
    current.pinned === desired.pinned &&
    sameJson(current.variables, desired.variables) &&
    sameJson(current.policy, desired.policy)
  );
}

/**
 * Whether two JSON values are equal, whatever the order of object keys. Compared in place: a recompute compares every
 * target's variables and policy, and serializing both sides with sorted keys cost a third of a 10,000-cluster pass.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((value, i) => sameJson(value, b[i]));
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // Keys holding undefined are left out, as JSON leaves them out.
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}
