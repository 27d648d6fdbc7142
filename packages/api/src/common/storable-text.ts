/** Why a text is refused: PostgreSQL's text cannot hold U+0000 (SQLite can), so every input refuses it alike. */
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain the NUL character (U+0000)';

/** One place in a request value holding text no database column can store, by JSON path (`labels.env`). */
export interface UnstorableText {
  field: string;
  message: string;
}

/** Whether a string can be stored in a text column of every database the hub runs on. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000');
}

/**
 * Every string value and object key in a request value (body, query, path parameter) that no text column can store,
 * by its path; a key is named with its NUL written `\u0000`, so the message stays printable.
 */
export function findUnstorableText(value: unknown, path: string[] = []): UnstorableText[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [{ field: path.join('.'), message: UNSTORABLE_TEXT_MESSAGE }];
  if (Array.isArray(value)) return value.flatMap((item, index) => findUnstorableText(item, [...path, String(index)]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const named = [...path, key.replaceAll('\u0000', '\\u0000')];
    return isStorableText(key) ? findUnstorableText(item, named) : [{ field: named.join('.'), message: UNSTORABLE_TEXT_MESSAGE }];
  });
}
