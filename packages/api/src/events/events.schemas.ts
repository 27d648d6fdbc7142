import { z } from 'zod';

/** GET /api/v1/events: where to resume. */
export const eventsQuerySchema = z.strictObject({
  cursor: z
    .string()
    .max(64)
    .optional()
    .describe('the cursor of the last event received (or send Last-Event-ID); absent or too old: a snapshot comes first'),
});
export type EventsQuery = z.output<typeof eventsQuerySchema>;
