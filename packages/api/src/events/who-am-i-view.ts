import { z } from 'zod';
import { ROLES } from '../tokens/roles.js';

/** Who the caller's API token is and what it may do. */
export const whoAmIViewSchema = z.object({
  token: z.string().describe('the name of the API token'),
  role: z.enum(ROLES),
});
export type WhoAmIView = z.output<typeof whoAmIViewSchema>;
