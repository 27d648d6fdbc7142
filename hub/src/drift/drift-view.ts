import type { DriftRecord } from './drift-record.entity.js';

/** A drifted object as the REST API shows it. */
export interface DriftView {
  cluster: string;
  app: string;
  object: { group: string; version: string; kind: string; namespace: string; name: string; id: string };
  deleted: boolean;
  diffs: DriftRecord['diffs'];
  manager: string;
  changedAt: string | null;
  detectedAt: string;
  action: DriftRecord['action'];
  corrections: number;
  generation: number;
  updatedAt: string;
}

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
