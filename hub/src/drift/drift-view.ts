import type { DriftView } from '@flotilla/api';
import type { DriftRecord } from './drift-record.entity.js';

/** Maps a stored drift record to its REST view. */
export function toDriftView(record: DriftRecord): DriftView {
  const { apiGroup: group, version, kind, namespace, name } = record;
  return {
    cluster: record.clusterName,
    app: record.appName,
    object: { group, version, kind, namespace, name, id: namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}` },
    deleted: record.deleted,
    diffs: record.diffs,
    manager: record.manager,
    changedAt: record.changedAt ? record.changedAt.toISOString() : null,
    detectedAt: record.detectedAt.toISOString(),
    action: record.action,
    corrections: record.corrections,
    generation: record.generation,
    updatedAt: record.updatedAt.toISOString(),
  };
}
