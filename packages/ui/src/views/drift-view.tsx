import { useState } from 'react';
import type { Session } from '../app.js';
import { useLoaded } from '../use-loaded.js';

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

/** Drifted objects: each field with desired and live side by side, who changed it and when, and what the agent did. */
export function DriftView({ session }: { session: Session }) {
  const { client, store } = session;
  const [app, setApp] = useState('');
  const [cluster, setCluster] = useState('');
  const drift = useLoaded(() => client.listDrift({ app: app || undefined, cluster: cluster || undefined, limit: 200 }), [app, cluster, store.version]);
  return (
    <section aria-labelledby="drift-title">
      <h1 id="drift-title">Drift</h1>
      <div className="filters">
        <label>
          App
          <input value={app} onChange={(e) => setApp(e.target.value.trim())} />
        </label>
        <label>
          Cluster
          <input value={cluster} onChange={(e) => setCluster(e.target.value.trim())} />
        </label>
      </div>
      {drift.error && <p role="alert" className="error">{drift.error}</p>}
      {drift.data?.items.length === 0 && <p>No drift: every object matches Git.</p>}
      {drift.data?.items.map((d) => (
        <article key={`${d.cluster}/${d.app}/${d.object.id}`} className="drift-object" data-testid="drift-object">
          <h2>
            {d.object.kind} {d.object.namespace ? `${d.object.namespace}/` : ''}
            {d.object.name} <small>({d.app} on {d.cluster})</small>
          </h2>
          <p>
            Changed by <strong data-testid="drift-manager">{d.manager || 'unknown'}</strong>
            {d.changedAt ? ` at ${new Date(d.changedAt).toLocaleString()}` : ''};{' '}
            {d.action === 'corrected' ? `✓ corrected (${d.corrections}×)` : d.action === 'fighting' ? '⚔ fighting another writer' : '⚠ reported, not corrected'}
            {d.deleted ? '; the object was deleted' : ''}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Desired (Git)</th>
                <th scope="col">Live</th>
              </tr>
            </thead>
            <tbody>
              {d.diffs.map((diff) => (
                <tr key={diff.path}>
                  <td>
                    <code data-testid="drift-field">{diff.path}</code>
                  </td>
                  <td>
                    <code>{show(diff.desired)}</code>
                  </td>
                  <td>
                    <code>{show(diff.live)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
