import { z } from 'zod';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';
import { CLUSTER_ROLLOUT_STATES, ROLLOUT_KINDS, ROLLOUT_STATES } from './rollout-states.js';
import { rolloutStrategyViewSchema } from './rollout-strategy-view.js';

const count = z.number().int().min(0);

/** Clusters of a rollout counted by state (every state present), with the total and how many carry the revision. */
const progressSchema = z.object({
  total: count.describe('clusters the rollout still covers'),
  updated: count.describe('clusters whose assignment carries the revision'),
  pending: count,
  updating: count,
  verifying: count,
  succeeded: count,
  failed: count,
  reverting: count,
  reverted: count,
  'revert-failed': count,
  superseded: count,
  removed: count,
});

/** A rollout as the REST list shows it: where it is, in numbers. */
export const rolloutViewSchema = z.object({
  id: z.number().int(),
  app: z.string(),
  kind: z.enum(ROLLOUT_KINDS),
  revision: z.string(),
  state: z.enum(ROLLOUT_STATES),
  message: z.string(),
  strategy: rolloutStrategyViewSchema,
  currentWave: count.describe('the highest wave started (0 before any)'),
  waveCount: count.describe('waves planned'),
  progress: progressSchema,
  createdBy: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
});
export type RolloutView = z.output<typeof rolloutViewSchema>;

/** One cluster in a wave of a rollout. */
export const rolloutClusterViewSchema = z.object({
  cluster: z.string(),
  state: z.enum(CLUSTER_ROLLOUT_STATES),
  fromRevision: z.string().nullable().describe('what the cluster had before; null when it had nothing'),
  generation: z.number().int(),
  startedAt: timestampSchema.nullable(),
  healthySince: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  message: z.string(),
});
export type RolloutClusterView = z.output<typeof rolloutClusterViewSchema>;

/** A rollout with its waves and the state of each cluster in them. */
export const rolloutDetailViewSchema = rolloutViewSchema.extend({
  waves: z.array(z.object({ index: z.number().int(), canary: z.boolean(), clusters: z.array(rolloutClusterViewSchema) })),
});
export type RolloutDetailView = z.output<typeof rolloutDetailViewSchema>;

/** A page of rollouts, newest first. */
export const rolloutPageSchema = pageSchemaOf(rolloutViewSchema);
export type RolloutPage = z.output<typeof rolloutPageSchema>;

/** The answer of POST /api/v1/apps/{app}/unpin. */
export const unpinResultViewSchema = z.object({ app: z.string(), unpinned: z.array(z.string()).describe('the clusters unpinned') });
export type UnpinResultView = z.output<typeof unpinResultViewSchema>;

/** A cluster of an app pinned at a revision. */
export const pinViewSchema = z.object({
  cluster: z.string(),
  revision: z.string(),
  rollout: z.number().int().nullable().describe('the rollback that pinned it'),
  createdBy: z.string(),
  createdAt: timestampSchema,
});
export type PinView = z.output<typeof pinViewSchema>;

/** The answer of GET /api/v1/apps/{app}/pins. */
export const pinListViewSchema = z.object({ app: z.string(), items: z.array(pinViewSchema) });
export type PinListView = z.output<typeof pinListViewSchema>;
