import { z } from 'zod';
import { pageQuerySchema } from '../common/page-query-schema.js';

/** Query of GET /api/v1/drift. */
export const driftQuerySchema = pageQuerySchema.extend({
  app: z.string().max(63).optional(),
  cluster: z.string().max(63).optional(),
  kind: z.string().max(63).optional(),
  namespace: z.string().max(63).optional(),
});
export type DriftQuery = z.output<typeof driftQuerySchema>;
