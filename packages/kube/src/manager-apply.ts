import {
  FlotillaError,
  formatApiVersion,
  formatObjectRef,
  objectKey,
  objectRefOf,
  normalizeStringData,
  planApplyStages,
  type ChangeSetEntry,
  type ErrorCode,
  type IsNamespaced,
  type KubeObject,
  type ObjectRef,
} from '@flotilla/core';
import { crdKindOf, isCrd, type CrdKind } from '@flotilla/core';
import { APPLY_PATCH } from './kube-client.js';
import { mapApiError } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';
import { type ManagerContext } from './manager-context.js';
import { applyQuery, dryRunError, dryRunItems, TRANSIENT_CODES, type ApplyItem, type ApplySettings, type DryRunFailure } from './manager-dry-run.js';
import { undoOutcome, undoWrites, type UndoResult } from './manager-undo.js';
import { waitForCrdsServed } from './manager-establish.js';
import { readLive } from './manager-read-live.js';
import { objectPath } from './object-path.js';

/** Options of ResourceManager.apply; every field has a default. */
export interface ApplyOptions {
  /** How long to wait for each CRD applied to be Established and served by discovery; default 60 s. */
  establishTimeoutMs?: number;
  /** The API server's field validation; default `Strict` (unknown or duplicate fields fail the dry-run). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Take over fields that other field managers own; default true (Git wins, as with Flux). */
  force?: boolean;
  signal?: AbortSignal;
}

/** The change set of one apply: one entry per object, in the order they were applied. */
export interface ApplyResult {
  entries: ChangeSetEntry[];
  /**
   * Each object as the API server left it, by objectKey: the apply's answer for one written, the live copy for one
   * found unchanged (none for a failed one). It matches the desired object at that resourceVersion, which the drift
   * monitor need not check again with a dry-run of its own.
   */
  after: Map<string, KubeObject>;
}

interface CrdOfBatch {
  kind: CrdKind;
  item: ApplyItem;
}

const kindKey = (ref: Pick<ObjectRef, 'group' | 'kind'>): string => `${ref.group}/${ref.kind}`;
const isNamespace = (ref: ObjectRef): boolean => ref.group === '' && ref.kind === 'Namespace';
const wasWritten = (item: ApplyItem): boolean => item.entry?.action === 'created' || item.entry?.action === 'configured';

/**
 * Applies a revision's objects with server-side apply, all or nothing as far as the API server allows:
 *
 * 1. The live objects are read, one LIST per kind and namespace (readLive). An object whose live copy shows that the
 *    apply would change nothing (isApplyNoop: Flotilla owns exactly its fields, with its values) is unchanged and
 *    needs no dry-run. Every other object is dry-run first; CRDs and Namespaces before the rest, because whether they
 *    already exist decides what else can be dry-run now. An object whose kind comes from a CRD of this batch that is new or changed, or
 *    whose Namespace is created by this batch, can only be dry-run once that CRD or Namespace exists: it is deferred.
 * 2. If any dry-run fails, nothing is applied and DRY_RUN_FAILED lists every failure.
 * 3. If objects were deferred, the CRDs and Namespaces they need (and only those) are applied, the CRDs are waited
 *    for until Established and served, and the deferred objects are dry-run. If one fails, those prerequisites are
 *    undone (see 5) and DRY_RUN_FAILED says so.
 * 4. The rest is applied stage by stage (crds, namespaces, cluster, namespaced, webhooks), in parallel within a stage.
 *    Objects whose dry-run equals the live object are not sent and reported unchanged.
 * 5. A write the API server refuses after its dry-run passed (an admission webhook, a quota, a conflict), or a CRD
 *    that is not served in time, stops the apply at the end of its stage: every write of the call is undone
 *    (undoWrites: created objects deleted, changed ones given back the fields Flotilla's earlier applies set) and
 *    APPLY_FAILED lists the refusals and anything that could not be undone. A revision is applied whole or not at all,
 *    as far as the API server lets an undo succeed. An aborted apply is not undone: the newer generation applies over it.
 */
export async function applyObjects(context: ManagerContext, objects: readonly KubeObject[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const settings: ApplySettings = { fieldValidation: options.fieldValidation ?? 'Strict', force: options.force ?? true, signal: options.signal };
  const timeoutMs = options.establishTimeoutMs ?? 60_000;
  await context.discovery.load();

  const items = objects.map(toItem);
  rejectDuplicates(items);
  const crds = new Map<string, CrdOfBatch>();
  for (const item of items) {
    const kind = isCrd(item.ref) ? crdKindOf(item.body) : undefined;
    if (kind) crds.set(kindKey(kind), { kind, item });
  }
  // A kind neither served nor defined here may come from a CRD someone applied since discovery was read.
  if (items.some((item) => !context.discovery.find(item.ref) && !crds.has(kindKey(item.ref)))) await context.discovery.refresh();

  const failures: DryRunFailure[] = [];
  const failed = new Set<ApplyItem>();
  for (const item of items) {
    const problem = locate(context, item, crds);
    if (problem) {
      failures.push({ object: item.id, message: `${item.id} dry-run failed: ${problem}`, code: 'INVALID_ARGUMENT' });
      failed.add(item);
    }
  }

  // The live objects, a LIST per kind and namespace: what exists, and what an apply would leave as it is.
  await readLive(context, items.filter((item) => !failed.has(item)), settings.signal);

  // Dry-run, pass 1: CRDs and Namespaces.
  const first = items.filter((item) => !failed.has(item) && (isCrd(item.ref) || isNamespace(item.ref)));
  failures.push(...(await dryRunItems(context, first, settings)));
  // Namespaces that do not exist yet (or failed their dry-run: their objects are left unchecked, not failed twice).
  const newNamespaces = new Set(items.filter((item) => isNamespace(item.ref) && item.existed !== true).map((item) => item.ref.name));
  const pendingKinds = new Set([...crds].filter(([, crd]) => crd.item.unchanged !== true).map(([key]) => key));
  const isDeferred = (item: ApplyItem): boolean =>
    item.path === undefined || pendingKinds.has(kindKey(item.ref)) || newNamespaces.has(item.ref.namespace);
  const rest = items.filter((item) => !failed.has(item) && !first.includes(item));
  const deferred = rest.filter(isDeferred);

  // Pass 2: everything that does not wait for a CRD or Namespace of this batch.
  failures.push(...(await dryRunItems(context, rest.filter((item) => !isDeferred(item)), settings)));
  if (failures.length > 0) throw dryRunError(failures, [], deferred.length);

  const entries: ChangeSetEntry[] = [];
  const isNamespaced: IsNamespaced = (ref) => context.discovery.isNamespaced(ref) ?? crds.get(kindKey(ref))?.kind.namespaced;
  /** Everything this call wrote, in order: what is undone when a later step fails. */
  const written: ApplyItem[] = [];
  const undoAndThrow = async (build: (undo: UndoResult) => FlotillaError): Promise<never> => {
    throw build(await undoWrites(context, written, isNamespaced));
  };

  if (deferred.length > 0) {
    // Pass 3: apply the CRDs and Namespaces the deferred objects need, wait for the CRDs, dry-run the deferred objects.
    const neededCrds = [...new Set(deferred.map((item) => crds.get(kindKey(item.ref))).filter((crd) => crd !== undefined))];
    const neededNamespaces = new Set(deferred.map((item) => item.ref.namespace).filter((ns) => newNamespaces.has(ns)));
    const prerequisites = [
      ...neededCrds.map((crd) => crd.item),
      ...items.filter((item) => isNamespace(item.ref) && neededNamespaces.has(item.ref.name)),
    ];
    entries.push(...(await applyItems(context, prerequisites, settings)));
    written.push(...prerequisites.filter(wasWritten));
    const waited = neededCrds.filter((crd) => crd.item.entry?.action !== 'failed');
    const notServed = await waitForCrdsServed(context, waited.map((crd) => crd.kind), timeoutMs, settings.signal);

    const ready: ApplyItem[] = [];
    for (const item of deferred) {
      const crd = crds.get(kindKey(item.ref));
      const crdProblem = crd && (crd.item.entry?.error?.message ?? notServed.get(crd.kind.crdName));
      const problem = crdProblem || locate(context, item, crds, true);
      if (problem) failures.push({ object: item.id, message: `${item.id} dry-run failed: ${problem}`, code: 'FAILED_PRECONDITION' });
      else ready.push(item);
    }
    // Objects of a CRD that changed may exist already: their state before is read, should this apply be undone.
    await readLive(context, ready, settings.signal);
    failures.push(...(await dryRunItems(context, ready, settings)));
    if (failures.length > 0) {
      // The prerequisites were applied only so that the others could be dry-run: they are undone.
      await undoAndThrow((undo) => dryRunError(failures, undo.failed.map((f) => f.ref), 0, undo));
    }
  }

  // Apply, stage by stage. A write refused after its dry-run passed undoes every write of this call.
  for (const stage of planApplyStages(items.filter((item) => !item.entry), isNamespaced)) {
    settings.signal?.throwIfAborted();
    entries.push(...(await applyItems(context, stage.objects, settings)));
    const stageWritten = stage.objects.filter(wasWritten);
    written.push(...stageWritten);
    if (stage.name === 'crds') {
      const kinds = stageWritten.map((item) => crdKindOf(item.body)).filter((kind) => kind !== undefined);
      const notServed = await waitForCrdsServed(context, kinds, timeoutMs, settings.signal);
      for (const item of stageWritten) {
        const problem = notServed.get(item.ref.name);
        if (problem && item.entry) item.entry.error = { code: 'FAILED_PRECONDITION', message: problem };
      }
    }
    const refused = stage.objects.filter((item) => item.entry?.error);
    if (refused.length > 0) await undoAndThrow((undo) => applyError(refused, undo));
  }
  const after = new Map<string, KubeObject>();
  for (const item of items) {
    const object = item.entry?.action === 'unchanged' ? item.live : item.after;
    if (object) after.set(objectKey(item.ref), object);
  }
  return { entries, after };
}

/**
 * The error for writes the API server refused after their dry-run passed (an admission webhook, a quota, a conflict),
 * once every write of the apply was undone: APPLY_FAILED (or the transient code of a refusal about reaching the
 * server), `data.failures` as for DRY_RUN_FAILED, `data.undone` and `data.notUndone` what was put back or not.
 */
function applyError(refused: readonly ApplyItem[], undo: UndoResult): FlotillaError {
  const failures: DryRunFailure[] = refused.map((item) => ({
    object: item.id,
    message: `${item.id} apply failed after its dry-run passed: ${item.entry?.error?.message ?? 'refused'}`,
    code: (item.entry?.error?.code as ErrorCode | undefined) ?? 'APPLY_FAILED',
  }));
  const first = failures[0] as DryRunFailure;
  const transient = failures.find((f) => TRANSIENT_CODES.has(f.code));
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more ${failures.length === 2 ? 'object' : 'objects'} refused)` : '';
  return new FlotillaError(transient?.code ?? 'APPLY_FAILED', `${(transient ?? first).message}${more}; ${undoOutcome(undo)}`, {
    data: { failures, undone: undo.undone.map((ref) => ({ ...ref })), notUndone: undo.failed.map((f) => ({ ...f.ref, message: f.message })) },
  });
}

function toItem(object: KubeObject): ApplyItem {
  const ref = objectRefOf(object);
  return { ref, id: formatObjectRef(ref), body: normalizeStringData(object) };
}

function rejectDuplicates(items: readonly ApplyItem[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = objectKey(item.ref);
    if (seen.has(key)) throw new FlotillaError('DUPLICATE_OBJECT', `${item.id}: listed twice in one apply`, { data: { object: item.id } });
    seen.add(key);
  }
}

/**
 * Resolves an item's scope and URL path from discovery, or its scope alone from a CRD of the batch when the kind is
 * not served yet. Clears the namespace of cluster-scoped objects. Returns why the object cannot be applied, if so
 * (`afterCrds`: its CRD is served now, so a kind still unknown is an error rather than something to wait for).
 */
function locate(context: ManagerContext, item: ApplyItem, crds: ReadonlyMap<string, CrdOfBatch>, afterCrds = false): string | undefined {
  const resource = context.discovery.find(item.ref);
  const crd = crds.get(kindKey(item.ref));
  const namespaced = resource?.namespaced ?? crd?.kind.namespaced;
  if (namespaced === false && item.ref.namespace !== '') {
    const { namespace: _namespace, ...metadata } = item.body.metadata;
    item.body = { ...item.body, metadata };
    item.ref = { ...item.ref, namespace: '' };
    item.id = formatObjectRef(item.ref);
  }
  if (namespaced === true && item.ref.namespace === '') return `${item.ref.kind} is namespaced, but the object has no namespace`;
  if (resource) {
    item.path = objectPath(resource, item.ref.namespace, item.ref.name);
    return undefined;
  }
  const apiVersion = formatApiVersion(item.ref);
  if (!crd) return `the cluster serves no ${item.ref.kind} in ${apiVersion}, and no CustomResourceDefinition in this revision defines it`;
  if (!afterCrds) return undefined;
  return `the cluster serves no ${item.ref.kind} in ${apiVersion} even after CustomResourceDefinition/${crd.kind.crdName} was Established (it serves ${crd.kind.versions.join(', ') || 'no versions'})`;
}

/** Applies items in parallel (at most `concurrency` at once); unchanged ones are not sent. Sets and returns their entries. */
async function applyItems(context: ManagerContext, items: readonly ApplyItem[], settings: ApplySettings): Promise<ChangeSetEntry[]> {
  return mapConcurrent(items, context.concurrency, async (item) => {
    item.entry = await applyItem(context, item, settings);
    return item.entry;
  });
}

async function applyItem(context: ManagerContext, item: ApplyItem, settings: ApplySettings): Promise<ChangeSetEntry> {
  if (item.unchanged) return { ref: item.ref, action: 'unchanged' };
  try {
    if (!item.path) throw new Error('the kind is not served');
    const { status, body } = await context.client.send<KubeObject>({
      method: 'PATCH',
      path: item.path,
      query: applyQuery(context, settings, false),
      body: item.body,
      contentType: APPLY_PATCH,
      signal: settings.signal,
    });
    // Server-side apply answers 201 when it created the object, 200 when it updated one.
    if (status === 201) item.createdUid = body.metadata?.uid;
    item.after = body;
    return { ref: item.ref, action: status === 201 ? 'created' : 'configured' };
  } catch (error) {
    settings.signal?.throwIfAborted();
    const mapped = mapApiError(error, { object: item.id, verb: 'apply' });
    return { ref: item.ref, action: 'failed', error: { code: mapped.code, message: mapped.message } };
  }
}
