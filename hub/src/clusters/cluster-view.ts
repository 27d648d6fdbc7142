import type { Cluster } from './cluster.entity.js';

/** A cluster as the REST API shows it (never its credential hash). */
export interface ClusterView {
  name: string;
  labels: Record<string, string>;
  connected: boolean;
  lastHeartbeatAt: string | null;
  agentVersion: string;
  kubernetesVersion: string;
  createdAt: string;
  updatedAt: string;
}

/** Maps a stored cluster to its REST view. */
export function toClusterView(cluster: Cluster): ClusterView {
  return {
    name: cluster.name,
    labels: cluster.labels,
    connected: cluster.connected,
    lastHeartbeatAt: cluster.lastHeartbeatAt?.toISOString() ?? null,
    agentVersion: cluster.agentVersion,
    kubernetesVersion: cluster.kubernetesVersion,
    createdAt: cluster.createdAt.toISOString(),
    updatedAt: cluster.updatedAt.toISOString(),
  };
}
