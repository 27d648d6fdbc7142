import { z } from 'zod';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';

/** One operation on the fleet: who did what to which target, and how it ended. */
export const auditEventViewSchema = z.object({
  id: z.number().int(),
  actor: z.string().describe('`token:<name>`, `agent:<cluster>`, `webhook:<source>`, `system`'),
  action: z.string().describe('`cluster.create`, `app.update`, `source.refresh`, ...'),
  target: z.string().describe('`cluster/eu-1`, `app/web`'),
  result: z.enum(['success', 'failure']),
  details: z.record(z.string(), z.unknown()),
  createdAt: timestampSchema,
});
export type AuditEventView = z.output<typeof auditEventViewSchema>;

/** A page of audit events, newest first. */
export const auditEventPageSchema = pageSchemaOf(auditEventViewSchema);
export type AuditEventPage = z.output<typeof auditEventPageSchema>;
