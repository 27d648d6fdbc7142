import type { App } from '../apps/app.entity.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import type { Source } from '../sources/source.entity.js';
import type { Assignment } from './assignment.entity.js';

/** The commit a cluster may run now, and whether it is pinned there. */
export interface AllowedRevision {
  commit: string;
  pinned: boolean;
}

/** What the controller knows of an app when it asks the gate. */
export interface GateInput {
  app: App;
  source: Source & { commit: string };
  /** The app's target clusters (those in `scope`, when there is one). */
  targets: readonly Cluster[];
  /** The app's stored assignments by cluster (inactive ones included; those in `scope`, when there is one). */
  existing: ReadonlyMap<string, Assignment>;
  /**
   * The clusters that changed (registered, relabelled, removed), when only they are planned: clusters outside it keep
   * what they have. Absent, the whole app is planned.
   */
  scope?: readonly string[];
  /**
   * Targets that join no rollout to the source's commit: it leaves their artifact as it is, or it failed to render
   * for them (a revision that does not render reaches no cluster).
   */
  stay?: ReadonlySet<string>;
}

/**
 * Decides which revision each target cluster runs now (the rollouts: canary, waves, pins). Without a gate every target
 * gets the source's commit at once.
 */
export interface AssignmentGate {
  /** Gives the gate the way to ask for an app's assignments to be computed again (its state moved on). */
  bind(recompute: (app: string) => void): void;
  /** Per target cluster, the commit it may run now; null when it must not have the app yet. */
  plan(input: GateInput): Promise<ReadonlyMap<string, AllowedRevision | null>>;
}
