import { DriftAction, type DriftedObject, type StatusEvent, toTimestamp } from '@flotilla/proto';
import type { DriftRecord } from '../drift/drift-record.entity.js';
import type { DriftAction as DomainDriftAction, DriftObjectRef } from '../drift/drift-report.js';

// The edge between stored drift and the StatusService wire types.

const ACTIONS: Record<DomainDriftAction, DriftAction> = {
  reported: DriftAction.DRIFT_ACTION_REPORTED,
  corrected: DriftAction.DRIFT_ACTION_CORRECTED,
  fighting: DriftAction.DRIFT_ACTION_FIGHTING,
};

const toJson = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

/** The wire form of a drift record. */
export function toDriftedObject(record: DriftRecord): DriftedObject {
  return {
    object: { group: record.apiGroup, version: record.version, kind: record.kind, namespace: record.namespace, name: record.name },
    deleted: record.deleted,
    diffs: record.diffs.map((d) => ({ path: d.path, desiredJson: toJson(d.desired), liveJson: toJson(d.live) })),
    manager: record.manager,
    changedAt: record.changedAt ? toTimestamp(record.changedAt) : undefined,
    detectedAt: toTimestamp(record.detectedAt),
    action: ACTIONS[record.action] ?? DriftAction.DRIFT_ACTION_UNSPECIFIED,
    corrections: record.corrections,
  };
}

/** The wire form of a drift change on one cluster. */
export function toDriftEvent(event: { cluster: string; app: string; objects: DriftRecord[]; cleared: DriftObjectRef[] }): StatusEvent['drift'] {
  return { app: event.app, cluster: event.cluster, objects: event.objects.map(toDriftedObject), cleared: event.cleared.map((ref) => ({ ...ref })) };
}
