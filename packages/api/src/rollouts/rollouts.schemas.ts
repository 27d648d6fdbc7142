import { z } from 'zod';
import { labelSelectorSchema } from '../common/label-selector-schema.js';
import { pageQuerySchema } from '../common/page-query-schema.js';
import { resourceName } from '../common/resource-name.js';
import { ROLLOUT_STATES } from './rollout-states.js';
import { rolloutStrategySchema } from './rollout-strategy-schema.js';

/** Which clusters of an app an operation concerns: one, several by name, a label selector, or (none given) all. */
const clusterSelection = {
  cluster: resourceName.optional(),
  clusters: z.array(resourceName).min(1).max(10_000).optional(),
  selector: labelSelectorSchema.optional(),
};

const oneSelection = (body: { cluster?: unknown; clusters?: unknown; selector?: unknown }): boolean =>
  [body.cluster, body.clusters, body.selector].filter((v) => v !== undefined).length <= 1;

/** Body of POST /api/v1/apps/{app}/rollback. */
export const rollbackSchema = z
  .strictObject({
    /** `main@sha1:<hex>` or a commit id from the app's history; default the last healthy one before the current. */
    revision: z.string().min(1).max(320).optional(),
    ...clusterSelection,
    /** Roll back wave by wave instead of all at once (onFailure is always `halt`). */
    strategy: rolloutStrategySchema.optional(),
  })
  .refine(oneSelection, 'give one of cluster, clusters or selector (or none for every target)');

/** Body of POST /api/v1/apps/{app}/unpin. */
export const unpinSchema = z.strictObject(clusterSelection).refine(oneSelection, 'give one of cluster, clusters or selector (or none for every pinned cluster)');

/** Body of pause, resume and abort. */
export const rolloutActionSchema = z.strictObject({ reason: z.string().max(1024).optional() });

/** Query of GET /api/v1/rollouts. */
export const rolloutListQuerySchema = pageQuerySchema.extend({
  app: z.string().max(63).optional(),
  state: z.enum(ROLLOUT_STATES).optional(),
});

export type RollbackBody = z.output<typeof rollbackSchema>;
export type RollbackRequest = z.input<typeof rollbackSchema>;
export type UnpinBody = z.output<typeof unpinSchema>;
export type UnpinRequest = z.input<typeof unpinSchema>;
export type RolloutActionBody = z.output<typeof rolloutActionSchema>;
export type RolloutActionRequest = z.input<typeof rolloutActionSchema>;
export type RolloutListQuery = z.output<typeof rolloutListQuerySchema>;
