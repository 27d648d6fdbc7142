import { z } from 'zod';

/** The schema of a page of a list: the items, and the token for the next page when there is one (as Kubernetes lists do). */
export function pageSchemaOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    continue: z.string().optional().describe('pass as `continue` to get the next page; absent on the last page'),
  });
}

/** A page of a list. */
export interface Page<T> {
  items: T[];
  continue?: string;
}
