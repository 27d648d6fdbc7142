import { idSchema, isStorableText, type Page } from '@flotilla/api';
import { FlotillaError } from '@flotilla/core';

/** A page of a list (the contract's), with the token for the next page when there is one. */
export type { Page };

/** Keyset pagination over items sorted by key: takes one extra to tell whether another page follows. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, continue: Buffer.from(keyOf(items[items.length - 1] as T)).toString('base64url') };
}

/** The key (a name) a `continue` token stands for; INVALID_ARGUMENT for one no list gave out. */
export function decodeContinue(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (!isStorableText(key)) throw badContinue();
  return key;
}

/** The row id a `continue` token of a list ordered by id stands for; INVALID_ARGUMENT for one no list gave out. */
export function decodeIdContinue(token: string | undefined): number | undefined {
  const key = decodeContinue(token);
  if (key === undefined) return undefined;
  const id = idSchema.safeParse(key);
  if (!id.success) throw badContinue();
  return id.data;
}

function badContinue(): FlotillaError {
  const field = { field: 'continue', message: 'is not a token this list gave out; start again without it' };
  return new FlotillaError('INVALID_ARGUMENT', `invalid query: ${field.field}: ${field.message}`, { data: { fields: [field] } });
}
