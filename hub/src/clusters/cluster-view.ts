import type { ClusterView } from '@flotilla/api';
import type { Cluster } from './cluster.entity.js';

/** Maps a stored cluster to its REST view (never its credential hash). */
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
