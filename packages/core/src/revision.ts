import { FlotillaError } from './flotilla-error.js';

/** One commit of a Source, written `<ref>@sha1:<40 hex>`. */
export interface Revision {
  /** Branch or tag the commit was resolved from ("main", "v1.2.0"). */
  ref: string;
  /** The commit id, 40 lowercase hex digits. */
  commit: string;
}

const COMMIT = /^[0-9a-f]{40}$/;

/** Whether a string is a full SHA-1 commit id. */
export function isCommitId(value: string): boolean {
  return COMMIT.test(value);
}

/** Writes a revision as `main@sha1:<hex>`. */
export function formatRevision(revision: Revision): string {
  return `${revision.ref}@sha1:${revision.commit}`;
}

/** Reads `main@sha1:<hex>`; throws INVALID_REVISION naming what is wrong. */
export function parseRevision(text: string): Revision {
  const at = text.lastIndexOf('@sha1:');
  const ref = at > 0 ? text.slice(0, at) : '';
  const commit = at > 0 ? text.slice(at + '@sha1:'.length) : '';
  if (!ref || !isCommitId(commit)) {
    throw new FlotillaError('INVALID_REVISION', `revision "${text}" is not of the form <ref>@sha1:<40 hex digits>`, {
      data: { revision: text },
    });
  }
  return { ref, commit };
}
