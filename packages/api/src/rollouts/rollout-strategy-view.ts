import { z } from 'zod';
import { labelSelectorSchema } from '../common/label-selector-schema.js';

const clusterCountView = z.union([z.number().int(), z.string().describe('a percentage such as "25%"')]);

/**
 * How an App moves to a new revision: canary clusters first, then waves, each waiting until the one before has been
 * healthy for `minHealthySeconds`; past `maxFailures` failed clusters the rollout halts or rolls back.
 */
export const rolloutStrategyViewSchema = z.object({
  canary: z.object({ clusters: z.array(z.string()), selector: labelSelectorSchema.nullable() }).nullable(),
  waveSize: clusterCountView.nullable(),
  maxUnavailable: clusterCountView.nullable(),
  minHealthySeconds: z.number().int(),
  maxFailures: z.number().int(),
  onFailure: z.enum(['halt', 'rollback']),
});
export type RolloutStrategyView = z.output<typeof rolloutStrategyViewSchema>;
