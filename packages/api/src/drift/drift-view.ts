import { z } from 'zod';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';

/** What the agent did about a drifted object. */
export const DRIFT_ACTIONS = ['reported', 'corrected', 'fighting'] as const;

/** One field that differs; values are JSON (absent when the field is absent on that side). */
export const fieldDiffViewSchema = z.object({ path: z.string(), desired: z.unknown().optional(), live: z.unknown().optional() });
export type FieldDiffView = z.output<typeof fieldDiffViewSchema>;

/** A drifted object as the REST API shows it. */
export const driftViewSchema = z.object({
  cluster: z.string(),
  app: z.string(),
  object: z.object({ group: z.string(), version: z.string(), kind: z.string(), namespace: z.string(), name: z.string(), id: z.string() }),
  deleted: z.boolean().describe('the object is gone from the cluster'),
  diffs: z.array(fieldDiffViewSchema),
  manager: z.string().describe('the field manager that changed it last'),
  changedAt: timestampSchema.nullable(),
  detectedAt: timestampSchema,
  action: z.enum(DRIFT_ACTIONS),
  corrections: z.number().int(),
  generation: z.number().int(),
  updatedAt: timestampSchema,
});
export type DriftView = z.output<typeof driftViewSchema>;

/** A page of drifted objects. */
export const driftPageSchema = pageSchemaOf(driftViewSchema);
export type DriftPage = z.output<typeof driftPageSchema>;
