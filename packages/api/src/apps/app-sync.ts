import { z } from 'zod';
import { resourceName } from '../common/resource-name.js';
import { timestampSchema } from '../common/timestamp-schema.js';

/** Body of POST /api/v1/apps/{name}/sync: which target clusters to reconcile now (none given: every one). */
export const syncAppSchema = z.strictObject({
  clusters: z.array(resourceName).min(1).max(10_000).optional().describe('only these target clusters of the app; default every one'),
});

/** One cluster a sync was asked of. */
export const appSyncClusterViewSchema = z.object({
  cluster: z.string(),
  sent: z.boolean().describe('whether the request reached its agent; false when the agent is not connected (it reconciles at its next resync)'),
  command: z.string().nullable().describe('the command id, as the audit log records it; null when not sent'),
});

/** Answer of POST /api/v1/apps/{name}/sync: the clusters asked to reconcile the app now. */
export const appSyncViewSchema = z.object({
  app: z.string(),
  requestedAt: timestampSchema.describe("the hub's time of the request: a status updated after it comes from the sync (or something later)"),
  clusters: z.array(appSyncClusterViewSchema),
});

export type SyncAppBody = z.output<typeof syncAppSchema>;
export type SyncAppRequest = z.input<typeof syncAppSchema>;
export type AppSyncView = z.output<typeof appSyncViewSchema>;
