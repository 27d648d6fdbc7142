import { z } from 'zod';
import { pageQuerySchema } from '../common/page-query-schema.js';

/** Query of GET /api/v1/audit: exact actor, action and target. */
export const auditQuerySchema = pageQuerySchema.extend({
  actor: z.string().max(255).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(255).optional(),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;
