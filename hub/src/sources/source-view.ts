import { formatRevision } from '@flotilla/core';
import type { Revision } from './revision.entity.js';
import type { Source } from './source.entity.js';

/** A source as the REST API shows it: never its credentials or webhook secret, only whether it has them. */
export interface SourceView {
  name: string;
  url: string;
  ref: string;
  pollIntervalSeconds: number;
  hasCredentials: boolean;
  hasWebhookSecret: boolean;
  revision: string | null;
  checkedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Maps a stored source to its REST view. */
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

/** A revision as the REST API shows it. */
export function toRevisionView(revision: Revision): { revision: string; commit: string; trigger: string; createdAt: string } {
  return {
    revision: formatRevision({ ref: revision.ref, commit: revision.commit }),
    commit: revision.commit,
    trigger: revision.trigger,
    createdAt: revision.createdAt.toISOString(),
  };
}
