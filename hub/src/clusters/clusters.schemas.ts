import { validateLabels } from '@flotilla/core';
import { z } from 'zod';
import { labelsSchema, resourceName } from '../common/names.js';

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

export type CreateClusterBody = z.infer<typeof createClusterSchema>;
export type UpdateClusterBody = z.infer<typeof updateClusterSchema>;
