import { DriftAction as WireDriftAction, type DriftReport, toTimestamp } from '@flotilla/proto';
import type { AppDriftReport, DriftAction } from '../assignment/drift-report.js';

// The agent-side edge between drift reports and their wire form.

const ACTIONS: Record<DriftAction, WireDriftAction> = {
  reported: WireDriftAction.DRIFT_ACTION_REPORTED,
  corrected: WireDriftAction.DRIFT_ACTION_CORRECTED,
  fighting: WireDriftAction.DRIFT_ACTION_FIGHTING,
};

/** A value as FieldDiff JSON: empty when the field is absent. */
const toJson = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

/** The wire form of a drift report. */
export function toDriftReport(report: AppDriftReport): DriftReport {
  return {
    app: report.app,
    generation: report.generation,
    full: report.full,
    cleared: report.cleared.map((ref) => ({ ...ref })),
    objects: report.objects.map((o) => ({
      object: { ...o.ref },
      deleted: o.deleted,
      diffs: o.diffs.map((d) => ({ path: d.path, desiredJson: toJson(d.desired), liveJson: toJson(d.live) })),
      manager: o.manager,
      changedAt: o.changedAt ? toTimestamp(o.changedAt) : undefined,
      detectedAt: toTimestamp(o.detectedAt),
      action: ACTIONS[o.action],
      corrections: o.corrections,
    })),
  };
}
