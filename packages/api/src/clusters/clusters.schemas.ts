import { validateLabels } from '@flotilla/core/label-selector';
import { z } from 'zod';
import { labelsSchema } from '../common/labels-schema.js';
import { pageQuerySchema } from '../common/page-query-schema.js';
import { resourceName } from '../common/resource-name.js';

const validLabels = labelsSchema.superRefine((labels, ctx) => {
  for (const message of validateLabels(labels)) ctx.addIssue({ code: 'custom', message });
});

/** Body of POST /api/v1/clusters. */
export const createClusterSchema = z.strictObject({
  name: resourceName,
  labels: validLabels.default({}),
});

/** Body of PATCH /api/v1/clusters/{name}: replaces the labels. */
export const updateClusterSchema = z.strictObject({
  labels: validLabels,
});

/** Query of GET /api/v1/clusters. */
export const clusterListQuerySchema = pageQuerySchema.extend({
  selector: z.string().max(1024).optional().describe('a label selector such as `env=prod,region in (eu,us)`'),
});

export type CreateClusterBody = z.output<typeof createClusterSchema>;
export type CreateClusterRequest = z.input<typeof createClusterSchema>;
export type UpdateClusterBody = z.output<typeof updateClusterSchema>;
export type UpdateClusterRequest = z.input<typeof updateClusterSchema>;
export type ClusterListQuery = z.output<typeof clusterListQuerySchema>;
