import { hasRoleInUi } from '../roles.js';
import type { Session } from '../app.js';
import { cellState } from '../cell-state.js';
import { cellKey } from '../fleet-store.js';
import { useLoaded } from '../use-loaded.js';
import { href } from '../use-hash-route.js';
import { StatusCells } from './status-cells.js';
import { ActionButton } from './action-button.js';
import { ManifestsSection } from './manifests-section.js';

/** One app: desired and applied revision per cluster, its rendered manifests per cluster, its rollout wave by wave, its history, and the operator's buttons. */
export function AppView({ session, app }: { session: Session; app: string }) {
  const { client, store, role } = session;
  const live = store.version;
  const status = useLoaded(() => client.getAppStatus(app), [app, live]);
  const rollouts = useLoaded(() => client.listRollouts({ app, limit: 5 }), [app, live]);
  const latest = rollouts.data?.items[0];
  const detail = useLoaded(() => (latest ? client.getRollout(latest.id) : Promise.resolve(undefined)), [latest?.id, live]);
  const history = useLoaded(() => client.listAppHistory(app, { limit: 20 }), [app, live]);
  const operator = hasRoleInUi(role, 'operator');
  const active = latest && ['progressing', 'paused', 'rolling-back'].includes(latest.state);

  return (
    <section aria-labelledby="app-title">
      <h1 id="app-title">App {app}</h1>
      {status.error && <p role="alert" className="error">{status.error}</p>}
      {operator && (
        <div className="actions" aria-label="Actions">
          <ActionButton
            label="Roll back"
            confirm={`Roll ${app} back to its last healthy revision on every cluster?`}
            run={async () => {
              const rollout = await client.rollbackApp(app, {});
              return `rollback #${rollout.id} to ${rollout.revision} started`;
            }}
          />
          <ActionButton
            label="Unpin all"
            confirm={`Unpin ${app} on every pinned cluster (they follow Git again)?`}
            run={async () => `unpinned: ${(await client.unpinApp(app, {})).unpinned.join(', ') || 'none'}`}
          />
          {latest && active && (
            <>
              <ActionButton label="Pause rollout" run={async () => `rollout #${latest.id}: ${(await client.pauseRollout(latest.id, {})).state}`} />
              <ActionButton label="Resume rollout" run={async () => `rollout #${latest.id}: ${(await client.resumeRollout(latest.id, {})).state}`} />
              <ActionButton
                label="Abort rollout"
                confirm={`Abort rollout #${latest.id} of ${app}?`}
                run={async () => `rollout #${latest.id}: ${(await client.abortRollout(latest.id, {})).state}`}
              />
            </>
          )}
        </div>
      )}
      <h2>Clusters</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Cluster</th>
            <th scope="col">Desired</th>
            <th scope="col">Applied</th>
            <th scope="col">State</th>
            <th scope="col">Pinned</th>
            {operator && <th scope="col">Pin</th>}
          </tr>
        </thead>
        <tbody>
          {status.data?.items.map((item) => {
            const state = cellState(store.statuses.get(cellKey(app, item.cluster)));
            return (
              <tr key={item.cluster}>
                <th scope="row">
                  <a href={href('clusters', item.cluster)}>{item.cluster}</a>
                </th>
                <StatusCells item={item} state={state} />
                <td>{item.desired?.pinned ? 'pinned' : 'no'}</td>
                {operator && (
                  <td>
                    {item.applied && (
                      <ActionButton
                        label={`Pin ${item.cluster}`}
                        confirm={`Pin ${app} on ${item.cluster} to ${item.applied.revision}?`}
                        run={async () => `rollback #${(await client.rollbackApp(app, { cluster: item.cluster, revision: item.applied?.revision })).id}: pinned`}
                      />
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <ManifestsSection session={session} app={app} clusters={status.data?.items.map((item) => item.cluster) ?? []} />
      <h2>Rollout</h2>
      {latest ? (
        <div>
          <p>
            #{latest.id} {latest.kind} to {latest.revision}: <strong>{latest.state}</strong> {latest.message}
          </p>
          <ol className="waves">
            {detail.data?.waves.map((wave) => (
              <li key={wave.index}>
                Wave {wave.index + 1}
                {wave.canary ? ' (canary)' : ''}: {wave.clusters.map((c) => `${c.cluster} ${c.state}`).join(', ')}
              </li>
            ))}
          </ol>
        </div>
      ) : (
        <p>No rollout yet.</p>
      )}
      <h2>History</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Cluster</th>
            <th scope="col">Revision</th>
            <th scope="col">Outcome</th>
            <th scope="col">Change set</th>
          </tr>
        </thead>
        <tbody>
          {history.data?.items.map((h, i) => (
            <tr key={i}>
              <td>{new Date(h.createdAt).toLocaleString()}</td>
              <td>{h.cluster}</td>
              <td>{h.revision}</td>
              <td>{h.outcome}</td>
              <td>{changeText(h.changes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function changeText(changes: Record<string, number>): string {
  return Object.entries(changes)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`)
    .join(', ');
}
