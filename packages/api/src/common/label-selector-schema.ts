import { validateLabelSelector } from '@flotilla/core/label-selector';
import { z } from 'zod';

/** One requirement of a label selector. */
export const labelSelectorRequirementSchema = z.strictObject({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

/** A Kubernetes-style label selector in a body (matchLabels, matchExpressions), checked like the API server does. */
export const labelSelectorSchema = z
  .strictObject({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
  })
  .superRefine((selector, ctx) => {
    for (const message of validateLabelSelector(selector)) ctx.addIssue({ code: 'custom', message });
  });

/** A label selector as a view shows it. */
export type LabelSelectorView = z.output<typeof labelSelectorSchema>;
