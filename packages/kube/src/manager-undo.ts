import { extractOwned, formatObjectRef, type IsNamespaced, type ObjectRef, planPruneStages } from '@flotilla/core';
import { APPLY_PATCH } from './kube-client.js';
import { isNotFound, mapApiError } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';
import { type ManagerContext } from './manager-context.js';
import { type ApplyItem } from './manager-dry-run.js';

/** What undoing one apply's writes did. */
export interface UndoResult {
  /** Objects put back as they were: deleted if the apply created them, their fields restored if it changed them. */
  undone: ObjectRef[];
  /** Objects that could not be put back, each with why. */
  failed: Array<{ ref: ObjectRef; object: string; message: string }>;
}

/**
 * Puts back what an apply wrote before it failed, in prune order (webhooks first, CRDs last): an object it created
 * is deleted (conditional on the uid it was created with), an object it changed gets the fields Flotilla's earlier
 * applies set applied again with the values they had (extractOwned of the live copy read before the dry-run), which
 * also gives up the fields this apply took. Runs to the end whatever fails, without the apply's signal (an abort
 * leaves the writes to the newer generation, which applies over them, and never calls this).
 */
export async function undoWrites(context: ManagerContext, written: readonly ApplyItem[], isNamespaced: IsNamespaced): Promise<UndoResult> {
  const result: UndoResult = { undone: [], failed: [] };
  for (const stage of planPruneStages(written, isNamespaced)) {
    await mapConcurrent(stage.objects, context.concurrency, async (item) => {
      try {
        await undoOne(context, item);
        result.undone.push(item.ref);
      } catch (error) {
        const mapped = mapApiError(error, { object: item.id, verb: 'roll back' });
        result.failed.push({ ref: item.ref, object: item.id, message: mapped.message });
      }
    });
  }
  return result;
}

async function undoOne(context: ManagerContext, item: ApplyItem): Promise<void> {
  if (!item.path) throw new Error('the kind is not served');
  if (item.entry?.action === 'created') {
    await context.client
      .request({
        method: 'DELETE',
        path: item.path,
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', ...(item.createdUid ? { preconditions: { uid: item.createdUid } } : {}) },
      })
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    return;
  }
  if (!item.live) throw new Error(`${item.id} was changed, but its state before was not read, so it cannot be restored`);
  await context.client.send({
    method: 'PATCH',
    path: item.path,
    query: { fieldManager: context.fieldManager, force: 'true', fieldValidation: 'Ignore' },
    body: extractOwned(item.live, context.fieldManager),
    contentType: APPLY_PATCH,
  });
}

/** What a failed apply left behind, for its message: nothing, or what could not be undone. */
export function undoOutcome(undo: UndoResult | undefined): string {
  if (!undo || undo.undone.length + undo.failed.length === 0) return 'nothing was applied';
  const list = (refs: readonly ObjectRef[]) => refs.map(formatObjectRef).join(', ');
  const undone = undo.undone.length > 0 ? `${list(undo.undone)} ${undo.undone.length === 1 ? 'was' : 'were'} applied and undone` : '';
  if (undo.failed.length === 0) return `nothing is left applied (${undone})`;
  const first = undo.failed[0] as UndoResult['failed'][number];
  const left = `${list(undo.failed.map((f) => f.ref))} could not be undone (${first.message})`;
  return undone ? `${left}; ${undone}` : left;
}
