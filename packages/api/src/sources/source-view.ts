import { z } from 'zod';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';

/** A source as the REST API shows it: never its credentials or webhook secret, only whether it has them. */
export const sourceViewSchema = z.object({
  name: z.string(),
  url: z.string(),
  ref: z.string(),
  pollIntervalSeconds: z.number().int(),
  hasCredentials: z.boolean(),
  hasWebhookSecret: z.boolean(),
  revision: z.string().nullable().describe('`ref@sha1:<hex>` the ref resolved to last; null before the first resolve'),
  checkedAt: timestampSchema.nullable(),
  lastError: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type SourceView = z.output<typeof sourceViewSchema>;

/** The answer of POST /api/v1/sources/{name}/refresh. */
export const refreshedSourceViewSchema = sourceViewSchema.extend({ changed: z.boolean().describe('the ref resolved to a new commit') });
export type RefreshedSourceView = z.output<typeof refreshedSourceViewSchema>;

/** A page of sources. */
export const sourcePageSchema = pageSchemaOf(sourceViewSchema);
export type SourcePage = z.output<typeof sourcePageSchema>;

/** A revision recorded for a source. */
export const revisionViewSchema = z.object({
  revision: z.string(),
  commit: z.string(),
  trigger: z.enum(['poll', 'webhook', 'create']),
  createdAt: timestampSchema,
});
export type RevisionView = z.output<typeof revisionViewSchema>;

/** A page of revisions, newest first. */
export const revisionPageSchema = pageSchemaOf(revisionViewSchema);
export type RevisionPage = z.output<typeof revisionPageSchema>;

/** The answer of POST /api/v1/webhooks/{source}. */
export const webhookResultViewSchema = z.object({
  status: z.enum(['pong', 'ignored', 'refreshing', 'updated', 'unchanged']),
  reason: z.string().optional(),
  revision: z.string().optional(),
});
export type WebhookResultView = z.output<typeof webhookResultViewSchema>;
