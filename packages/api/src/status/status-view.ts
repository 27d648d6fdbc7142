import { z } from 'zod';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';
import { APP_HEALTHS, APP_PHASES } from './app-phases.js';

/** Counts of a change set by action. */
export const changeCountsSchema = z.object({
  created: z.number().int(),
  configured: z.number().int(),
  unchanged: z.number().int(),
  pruned: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});
export type ChangeCounts = z.output<typeof changeCountsSchema>;

/** An error an agent reported, with a stable code and the object or file it concerns. */
export const reportedErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  object: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
});
export type ReportedError = z.output<typeof reportedErrorSchema>;

/** One app on one cluster: what the hub wants there and what the agent last reported. */
export const appClusterStatusViewSchema = z.object({
  app: z.string(),
  cluster: z.string(),
  desired: z.object({ revision: z.string().nullable(), generation: z.number().int(), pinned: z.boolean() }).nullable(),
  applied: z
    .object({
      revision: z.string(),
      generation: z.number().int(),
      phase: z.enum(APP_PHASES),
      health: z.enum(APP_HEALTHS),
      changes: changeCountsSchema,
      errors: z.array(reportedErrorSchema),
      durationMs: z.number().int(),
      objects: z.number().int(),
      updatedAt: timestampSchema,
    })
    .nullable(),
  inSync: z.boolean().describe('the agent has reconciled the desired generation'),
  driftedObjects: z.number().int().describe('objects of the app on the cluster that differ from their desired state now'),
});
export type AppClusterStatusView = z.output<typeof appClusterStatusViewSchema>;

/** GET /api/v1/apps/{name}/status: the app on each of its clusters. */
export const appStatusViewSchema = z.object({
  app: z.string(),
  clusters: z.number().int(),
  inSync: z.number().int(),
  driftedObjects: z.number().int(),
  items: z.array(appClusterStatusViewSchema),
});
export type AppStatusView = z.output<typeof appStatusViewSchema>;

/** GET /api/v1/clusters/{name}/status: each app on the cluster. */
export const clusterStatusViewSchema = z.object({
  cluster: z.string(),
  driftedObjects: z.number().int(),
  items: z.array(appClusterStatusViewSchema),
});
export type ClusterStatusView = z.output<typeof clusterStatusViewSchema>;

/** One revision applied to one cluster for an app, and its outcome. */
export const historyViewSchema = z.object({
  cluster: z.string(),
  revision: z.string(),
  generation: z.number().int(),
  outcome: z.enum(APP_PHASES),
  changes: changeCountsSchema,
  message: z.string(),
  createdAt: timestampSchema,
});
export type HistoryView = z.output<typeof historyViewSchema>;

/** A page of history, newest first. */
export const historyPageSchema = pageSchemaOf(historyViewSchema);
export type HistoryPage = z.output<typeof historyPageSchema>;
