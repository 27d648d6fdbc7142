import { z } from 'zod';

// The events of GET /api/v1/events: StatusService.Watch's StatusEvent in its proto3 JSON form (camelCase names,
// enums by name, timestamps as RFC 3339, fields at their default left out).

/** An object of a cluster. */
export const objectRefEventSchema = z.object({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
});

/** A cluster as the feed describes it. */
export const clusterInfoEventSchema = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()).optional(),
  connected: z.boolean().optional(),
  lastHeartbeat: z.string().optional(),
  agentVersion: z.string().optional(),
  kubernetesVersion: z.string().optional(),
});
export type ClusterInfoEvent = z.output<typeof clusterInfoEventSchema>;

/** One app on one cluster: desired and applied revision, phase (`PHASE_SYNCED`...), health (`HEALTH_HEALTHY`...), drift. */
export const appClusterStatusEventSchema = z.object({
  app: z.string(),
  cluster: z.string(),
  desiredRevision: z.string().optional(),
  desiredGeneration: z.number().optional(),
  appliedRevision: z.string().optional(),
  appliedGeneration: z.number().optional(),
  phase: z.string().optional(),
  health: z.string().optional(),
  driftedObjects: z.number().optional(),
  updatedAt: z.string().optional(),
});
export type AppClusterStatusEvent = z.output<typeof appClusterStatusEventSchema>;

/** A drifted object: its fields (JSON pointer, desired and live JSON), who changed it and what the agent did. */
export const driftedObjectEventSchema = z.object({
  object: objectRefEventSchema.optional(),
  deleted: z.boolean().optional(),
  diffs: z.array(z.object({ path: z.string(), desiredJson: z.string().optional(), liveJson: z.string().optional() })).optional(),
  manager: z.string().optional(),
  changedAt: z.string().optional(),
  detectedAt: z.string().optional(),
  action: z.string().optional(),
  corrections: z.number().optional(),
});

/** One event of the live feed; exactly one of the fields after `time` is set. */
export const fleetEventViewSchema = z
  .object({
    cursor: z.string().describe('resume after this event with ?cursor= or Last-Event-ID'),
    time: z.string().optional(),
    clusterSnapshot: clusterInfoEventSchema.optional(),
    statusSnapshot: appClusterStatusEventSchema.optional(),
    snapshotComplete: z.object({ reset: z.boolean().optional() }).optional().describe('the snapshot is whole; `reset`: the cursor could not be resumed'),
    cluster: z.object({ type: z.string(), cluster: clusterInfoEventSchema.optional() }).optional(),
    assignment: z
      .object({ app: z.string(), cluster: z.string(), generation: z.number().optional(), revision: z.string().optional(), removed: z.boolean().optional() })
      .optional(),
    status: appClusterStatusEventSchema.optional(),
    drift: z.object({ app: z.string(), cluster: z.string(), objects: z.array(driftedObjectEventSchema).optional(), cleared: z.array(objectRefEventSchema).optional() }).optional(),
    rollout: z
      .object({
        id: z.string(),
        app: z.string(),
        revision: z.string().optional(),
        state: z.string().optional(),
        wave: z.number().optional(),
        updatedClusters: z.number().optional(),
        totalClusters: z.number().optional(),
        failedClusters: z.number().optional(),
        message: z.string().optional(),
      })
      .optional(),
  })
  .describe('One Server-Sent Event `data:` of GET /api/v1/events (its `id:` is the cursor)');
export type FleetEventView = z.output<typeof fleetEventViewSchema>;
