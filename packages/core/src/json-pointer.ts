import { FlotillaError } from './flotilla-error.js';

/** One step of a path into a JSON value: a member name or an array index. */
export type PathSegment = string | number;

/** Writes a path as an RFC 6901 JSON pointer: `["metadata", "labels", "app.kubernetes.io/name"]` → `/metadata/labels/app.kubernetes.io~1name`. */
export function formatJsonPointer(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Reads an RFC 6901 JSON pointer into its unescaped segments (all strings); "" is the whole document. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) {
    throw new FlotillaError('INVALID_ARGUMENT', `"${pointer}" is not a JSON pointer (RFC 6901): it must start with "/" and escape "~" as ~0, "/" as ~1`, {
      data: { pointer },
    });
  }
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
