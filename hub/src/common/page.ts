import type { Page } from '@flotilla/api';

/** A page of a list (the contract's), with the token for the next page when there is one. */
export type { Page };

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
