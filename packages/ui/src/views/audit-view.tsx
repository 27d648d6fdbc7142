import { useState } from 'react';
import type { Session } from '../app.js';
import { useLoaded } from '../use-loaded.js';

/** The audit log, newest first, filterable by actor, action and target. */
export function AuditView({ session }: { session: Session }) {
  const { client, store } = session;
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const audit = useLoaded(
    () => client.listAuditEvents({ actor: actor || undefined, action: action || undefined, target: target || undefined, limit: 100 }),
    [actor, action, target, store.version],
  );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <div className="filters">
        <label>
          Actor
          <input value={actor} onChange={(e) => setActor(e.target.value.trim())} placeholder="token:admin" />
        </label>
        <label>
          Action
          <input value={action} onChange={(e) => setAction(e.target.value.trim())} placeholder="app.rollback" />
        </label>
        <label>
          Target
          <input value={target} onChange={(e) => setTarget(e.target.value.trim())} placeholder="app/web" />
        </label>
      </div>
      {audit.error && <p role="alert" className="error">{audit.error}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {audit.data?.items.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.createdAt).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.target}</td>
              <td>{e.result === 'success' ? '✓ success' : `✗ failure${typeof e.details.message === 'string' ? `: ${e.details.message}` : ''}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
