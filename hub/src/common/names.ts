import { validateLabelSelector } from '@flotilla/core';
import { z } from 'zod';

/** Names of clusters, sources and apps: DNS labels, as Kubernetes names them. */
export const resourceName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit');

/** Label maps in bodies. */
export const labelsSchema = z.record(z.string(), z.string());

/** A Kubernetes-style label selector in a body (matchLabels, matchExpressions), checked like the API server does. */
export const labelSelectorSchema = z
  .strictObject({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(z.strictObject({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() }))
      .optional(),
  })
  .superRefine((selector, ctx) => {
    for (const message of validateLabelSelector(selector)) ctx.addIssue({ code: 'custom', message });
  });
