import { z } from 'zod';

/** GET /healthz: the process is up. */
export const livenessViewSchema = z.object({ status: z.literal('ok') });
export type LivenessView = z.output<typeof livenessViewSchema>;

/** GET /readyz: whether the hub can serve (its database answers); 503 with the same shape when not. */
export const readinessViewSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['postgres', 'sqlite']),
  error: z.string().optional(),
});
export type ReadinessView = z.output<typeof readinessViewSchema>;
