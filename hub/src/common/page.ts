import { z } from 'zod';

/** Query parameters of a list call: at most `limit` items after the `continue` token. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  continue: z.string().max(512).optional(),
});

/** A page of a list, with the token for the next page when there is one (as Kubernetes lists do). */
export interface Page<T> {
  items: T[];
  continue?: string;
}

/** Keyset pagination over items sorted by key: takes one extra to tell whether another page follows. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, continue: Buffer.from(keyOf(items[items.length - 1] as T)).toString('base64url') };
}

/** The key a `continue` token stands for. */
export function decodeContinue(token: string | undefined): string | undefined {
  return token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8');
}
