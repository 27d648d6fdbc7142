import {
  FlotillaError,
  isApplyNoop,
  isUnchanged,
  type ChangeSetEntry,
  type ErrorCode,
  type KubeObject,
  type ObjectRef,
} from '@flotilla/core';
import { APPLY_PATCH } from './kube-client.js';
import { isNotFound, mapApiError } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';
import { type ManagerContext } from './manager-context.js';
import { undoOutcome, type UndoResult } from './manager-undo.js';

// Codes mapApiError gives to failures to reach the server (no answer, 429, 502-504).
export const TRANSIENT_CODES = new Set<ErrorCode>(['UNAVAILABLE', 'RESOURCE_EXHAUSTED']);

/** One object on its way through apply. */
export interface ApplyItem {
  /** As written, with the namespace cleared when the kind is cluster-scoped. */
  ref: ObjectRef;
  id: string;
  /** What is sent: the manifest (namespace removed from cluster-scoped objects). */
  body: KubeObject;
  /** URL path, once the kind is known to be served. */
  path?: string;
  /** The live object read before the dry-run (readLive): the object, `null` when absent, unset when not read. */
  live?: KubeObject | null;
  /** After a passing dry-run: whether the object existed and whether applying would change it. */
  existed?: boolean;
  unchanged?: boolean;
  /** Once applied, or found unchanged. */
  entry?: ChangeSetEntry;
  /** The API server's answer to the apply that wrote it. */
  after?: KubeObject;
  /** The uid of the object when this apply created it (so undoing it deletes that object and no other). */
  createdUid?: string;
}

/** One object that failed its dry-run: `data.failures` of DRY_RUN_FAILED. */
export interface DryRunFailure {
  /** The object id, `Deployment/web/api`. */
  object: string;
  /** Starts with the object id: `Deployment/web/api dry-run failed: …`. */
  message: string;
  code: ErrorCode;
}

/** Query parameters shared by the dry-run and the apply of one call. */
export interface ApplySettings {
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  force: boolean;
  signal?: AbortSignal;
}

/** The query of a server-side apply patch (dry-run or not). */
export function applyQuery(context: ManagerContext, settings: ApplySettings, dryRun: boolean): Record<string, string | undefined> {
  return {
    dryRun: dryRun ? 'All' : undefined,
    fieldManager: context.fieldManager,
    force: String(settings.force),
    fieldValidation: settings.fieldValidation,
  };
}

/**
 * Dry-runs each item (server-side apply with dryRun=All) and, for objects that exist, compares it with the live one
 * to tell whether applying would change anything. An item whose live copy (read before, see readLive) shows that the
 * apply would certainly change nothing (isApplyNoop) is not dry-run at all: the server took it as it is. Returns the
 * failures; never throws for one object.
 */
export async function dryRunItems(context: ManagerContext, items: readonly ApplyItem[], settings: ApplySettings): Promise<DryRunFailure[]> {
  const outcomes = await mapConcurrent(items, context.concurrency, async (item) => {
    try {
      await dryRunItem(context, item, settings);
      return undefined;
    } catch (error) {
      const mapped = mapApiError(error, { object: item.id, verb: 'dry-run' });
      return { object: item.id, message: mapped.message, code: mapped.code } satisfies DryRunFailure;
    }
  });
  settings.signal?.throwIfAborted();
  return outcomes.filter((outcome) => outcome !== undefined);
}

async function dryRunItem(context: ManagerContext, item: ApplyItem, settings: ApplySettings): Promise<void> {
  if (!item.path) throw new Error('the kind is not served');
  if (item.live && isApplyNoop(item.body, item.live, context.fieldManager)) {
    item.existed = true;
    item.unchanged = true;
    return;
  }
  const { body: dryRun } = await context.client.send<KubeObject>({
    method: 'PATCH',
    path: item.path,
    query: applyQuery(context, settings, true),
    body: item.body,
    contentType: APPLY_PATCH,
    signal: settings.signal,
  });
  // A dry-run create has no resourceVersion: nothing was stored, so there is no live object to read.
  if (!dryRun.metadata.resourceVersion) {
    item.existed = false;
    item.unchanged = false;
    return;
  }
  // The live copy read before serves when it is still the stored one; otherwise it is read again.
  const readBefore = item.live?.metadata.resourceVersion === dryRun.metadata.resourceVersion ? item.live : undefined;
  const live =
    readBefore ??
    (await context.client.request<KubeObject>({ method: 'GET', path: item.path, signal: settings.signal }).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    }));
  // Kept as the state before, should the apply have to be undone.
  item.live = live ?? null;
  item.existed = live !== undefined;
  item.unchanged = live !== undefined && isUnchanged(dryRun, live);
}

/**
 * The error for failed dry-runs. When any failure is about reaching the server (no answer, 429, 502-504) it carries
 * that failure's code (UNAVAILABLE, RESOURCE_EXHAUSTED): the manifests are not proven wrong. Otherwise DRY_RUN_FAILED.
 * The message starts with the first failure; `data.failures` lists them all, `data.applied` the prerequisites (CRDs,
 * Namespaces) applied before the failing dry-run could run and left in place because undoing them failed, and
 * `data.undone` those that were applied and undone.
 */
export function dryRunError(failures: readonly DryRunFailure[], applied: readonly ObjectRef[], unchecked: number, undo?: UndoResult): FlotillaError {
  const first = failures[0];
  if (!first) throw new Error('dryRunError needs at least one failure');
  const transient = failures.find((f) => TRANSIENT_CODES.has(f.code));
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more ${failures.length === 2 ? 'object' : 'objects'} failed dry-run)` : '';
  const skipped = unchecked > 0 ? `; ${unchecked} more could not be dry-run before their CRDs or Namespaces exist` : '';
  return new FlotillaError(transient?.code ?? 'DRY_RUN_FAILED', `${(transient ?? first).message}${more}; ${undoOutcome(undo)}${skipped}`, {
    data: { failures: [...failures], applied: applied.map((ref) => ({ ...ref })), undone: (undo?.undone ?? []).map((ref) => ({ ...ref })), unchecked },
  });
}
