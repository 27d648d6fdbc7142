import { z } from 'zod';

/** Query parameters of a list call: at most `limit` items after the `continue` token. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  continue: z.string().max(512).optional(),
});

/** The query of a list call as the hub reads it. */
export type PageQuery = z.output<typeof pageQuerySchema>;
