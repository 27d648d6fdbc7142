import { type KubeObject } from '@flotilla/core';
import { isNotFound } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';
import { type ManagerContext } from './manager-context.js';
import { type ApplyItem } from './manager-dry-run.js';

/** From this many objects of one kind in one namespace, one LIST reads them all rather than a GET each. */
export const LIST_MIN_OBJECTS = 3;
/** Items per page of those LISTs. */
const PAGE_SIZE = 500;

interface ObjectList {
  items?: KubeObject[];
  metadata?: { continue?: string };
}

/**
 * Reads the live copy of every item whose kind is served, before any dry-run, and sets `item.live`: the object, or
 * `null` when it does not exist. Objects of one kind in one namespace are read with one (paged) LIST when there are
 * at least LIST_MIN_OBJECTS of them, otherwise with a GET each; so a revision of 1,000 objects costs a few dozen
 * requests. A read that fails (a missing list permission, a timeout) leaves `item.live` unset: the dry-run path
 * reads that object itself. Aborting the signal rejects.
 */
export async function readLive(context: ManagerContext, items: readonly ApplyItem[], signal?: AbortSignal): Promise<void> {
  const byCollection = new Map<string, ApplyItem[]>();
  for (const item of items) {
    if (!item.path) continue;
    const collection = item.path.slice(0, item.path.lastIndexOf('/'));
    byCollection.set(collection, [...(byCollection.get(collection) ?? []), item]);
  }
  const lists = [...byCollection].filter(([, members]) => members.length >= LIST_MIN_OBJECTS);
  const singles = [...byCollection].filter(([, members]) => members.length < LIST_MIN_OBJECTS).flatMap(([, members]) => members);
  const reads: Array<() => Promise<void>> = [
    ...lists.map(([collection, members]) => () => listInto(context, collection, members, signal)),
    ...singles.map((item) => () => getInto(context, item, signal)),
  ];
  await mapConcurrent(reads, context.concurrency, async (read) => {
    try {
      await read();
    } catch {
      signal?.throwIfAborted();
    }
  });
}

async function listInto(context: ManagerContext, collection: string, members: readonly ApplyItem[], signal?: AbortSignal): Promise<void> {
  const found = new Map<string, KubeObject>();
  let next: string | undefined;
  do {
    const page = await context.client.request<ObjectList>({
      method: 'GET',
      path: collection,
      query: { limit: String(PAGE_SIZE), continue: next },
      signal,
    });
    for (const object of page.items ?? []) found.set(object.metadata.name, object);
    next = page.metadata?.continue || undefined;
  } while (next);
  for (const item of members) {
    const live = found.get(item.ref.name);
    // List items carry no apiVersion and kind: they are those of the list, which are the item's own.
    item.live = live ? { ...live, apiVersion: item.body.apiVersion, kind: item.body.kind } : null;
  }
}

async function getInto(context: ManagerContext, item: ApplyItem, signal?: AbortSignal): Promise<void> {
  try {
    item.live = await context.client.request<KubeObject>({ method: 'GET', path: item.path as string, signal });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    item.live = null;
  }
}
