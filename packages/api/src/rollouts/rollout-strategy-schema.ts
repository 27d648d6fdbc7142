import { z } from 'zod';
import { labelSelectorSchema } from '../common/label-selector-schema.js';
import { resourceName } from '../common/resource-name.js';

const clusterCount = z.union([
  z.number().int().min(1).max(100_000),
  z
    .string()
    .regex(/^([1-9][0-9]?|100)%$/, 'must be a count or a percentage from 1% to 100%, such as "25%"')
    .transform((value) => value as `${number}%`),
]);

/** A strategy in a request body: every field optional; what is left out keeps its current (or default) value. */
export const rolloutStrategySchema = z
  .strictObject({
    canary: z
      .strictObject({ clusters: z.array(resourceName).max(10_000).optional(), selector: labelSelectorSchema.optional() })
      .refine((c) => (c.clusters?.length ?? 0) > 0 || c.selector !== undefined, 'name canary clusters or give a selector (null for no canary)')
      .nullable()
      .optional(),
    waveSize: clusterCount.nullable().optional(),
    maxUnavailable: clusterCount.nullable().optional(),
    minHealthySeconds: z.number().int().min(0).max(86_400).optional(),
    maxFailures: z.number().int().min(0).max(100_000).optional(),
    onFailure: z.enum(['halt', 'rollback']).optional(),
  })
  .refine((s) => s.waveSize == null || s.maxUnavailable == null, { message: 'give waveSize or maxUnavailable, not both', path: ['maxUnavailable'] });

/** A strategy as a request body gives it. */
export type RolloutStrategyBody = z.output<typeof rolloutStrategySchema>;
