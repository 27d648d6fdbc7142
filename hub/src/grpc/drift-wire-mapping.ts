import { DriftAction, type DriftReport, fromTimestamp, type ObjectRef } from '@flotilla/proto';
import type { AgentDriftReport, DriftAction as DomainDriftAction, DriftObjectRef } from '../drift/drift-report.js';

// The hub-side edge for drift reports. Messages arrive through proto-loader: unset messages are null, enums are names.

const ACTIONS: Record<string, DomainDriftAction> = {
  [DriftAction.DRIFT_ACTION_CORRECTED]: 'corrected',
  [DriftAction.DRIFT_ACTION_FIGHTING]: 'fighting',
};

const fromJson = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const toRef = (ref: ObjectRef | null | undefined): DriftObjectRef => ({
  group: ref?.group ?? '',
  version: ref?.version ?? '',
  kind: ref?.kind ?? '',
  namespace: ref?.namespace ?? '',
  name: ref?.name ?? '',
});

/** The domain form of a drift report; objects without a kind and name are dropped. */
export function fromDriftReport(report: DriftReport): AgentDriftReport {
  return {
    app: report.app,
    generation: Number(report.generation),
    full: report.full,
    cleared: (report.cleared ?? []).map(toRef).filter((ref) => ref.kind && ref.name),
    objects: (report.objects ?? [])
      .filter((o) => o.object?.kind && o.object.name)
      .map((o) => ({
        object: toRef(o.object),
        deleted: o.deleted,
        diffs: (o.diffs ?? []).map((d) => {
          const desired = fromJson(d.desiredJson);
          const live = fromJson(d.liveJson);
          return { path: d.path, ...(desired !== undefined ? { desired } : {}), ...(live !== undefined ? { live } : {}) };
        }),
        manager: o.manager,
        changedAt: fromTimestamp(o.changedAt) ?? null,
        detectedAt: fromTimestamp(o.detectedAt) ?? new Date(),
        action: ACTIONS[o.action] ?? 'reported',
        corrections: o.corrections,
      })),
  };
}
