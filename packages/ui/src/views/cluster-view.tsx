import type { Session } from '../app.js';
import { cellState } from '../cell-state.js';
import { cellKey } from '../fleet-store.js';
import { useLoaded } from '../use-loaded.js';
import { href } from '../use-hash-route.js';
import { StatusCells } from './status-cells.js';

/** One cluster: its agent (connected, versions, last heartbeat), labels, and the state of its apps. */
export function ClusterView({ session, cluster }: { session: Session; cluster: string }) {
  const { client, store } = session;
  const info = store.clusters.get(cluster);
  const status = useLoaded(() => client.getClusterStatus(cluster), [cluster, store.version]);
  return (
    <section aria-labelledby="cluster-title">
      <h1 id="cluster-title">Cluster {cluster}</h1>
      {status.error && <p role="alert" className="error">{status.error}</p>}
      <dl className="facts">
        <dt>Agent</dt>
        <dd>{info?.connected ? '● connected' : '○ not connected'}</dd>
        <dt>Agent version</dt>
        <dd>{info?.agentVersion || '—'}</dd>
        <dt>Kubernetes</dt>
        <dd>{info?.kubernetesVersion || '—'}</dd>
        <dt>Last heartbeat</dt>
        <dd>{info?.lastHeartbeat ? new Date(info.lastHeartbeat).toLocaleString() : '—'}</dd>
        <dt>Labels</dt>
        <dd>{Object.entries(info?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—'}</dd>
      </dl>
      <h2>Apps</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Desired</th>
            <th scope="col">Applied</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {status.data?.items.map((item) => {
            const state = cellState(store.statuses.get(cellKey(item.app, cluster)));
            return (
              <tr key={item.app}>
                <th scope="row">
                  <a href={href('apps', item.app)}>{item.app}</a>
                </th>
                <StatusCells item={item} state={state} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
