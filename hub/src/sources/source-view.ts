import type { RevisionView, SourceView } from '@flotilla/api';
import { formatRevision } from '@flotilla/core';
import type { Revision } from './revision.entity.js';
import type { Source } from './source.entity.js';

/** Maps a stored source to its REST view: never its credentials or webhook secret, only whether it has them. */
export function toSourceView(source: Source): SourceView {
  return {
    name: source.name,
    url: source.url,
    ref: source.ref,
    pollIntervalSeconds: source.pollIntervalSeconds,
    hasCredentials: source.credentials !== null,
    hasWebhookSecret: source.webhookSecret !== null,
    revision: source.commit ? formatRevision({ ref: source.ref, commit: source.commit }) : null,
    checkedAt: source.checkedAt?.toISOString() ?? null,
    lastError: source.lastError,
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}

/** Maps a recorded revision to its REST view. */
export function toRevisionView(revision: Revision): RevisionView {
  return {
    revision: formatRevision({ ref: revision.ref, commit: revision.commit }),
    commit: revision.commit,
    trigger: revision.trigger,
    createdAt: revision.createdAt.toISOString(),
  };
}
