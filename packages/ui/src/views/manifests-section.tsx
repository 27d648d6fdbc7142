import { useState } from 'react';
import type { Session } from '../app.js';
import { useLoaded } from '../use-loaded.js';

/** The App's rendered manifests on one picked cluster: the artifact digest and each object with its source file:line. */
export function ManifestsSection({ session, app, clusters }: { session: Session; app: string; clusters: string[] }) {
  const { client, store } = session;
  const [cluster, setCluster] = useState('');
  const manifests = useLoaded(
    () => (cluster ? client.getAppManifests(app, { cluster }) : Promise.resolve(undefined)),
    [app, cluster, store.version],
  );
  const shown = manifests.data?.cluster === cluster ? manifests.data : undefined;

  return (
    <section aria-labelledby="manifests-title">
      <h2 id="manifests-title">Manifests</h2>
      <label htmlFor="manifests-cluster">Cluster</label>{' '}
      <select id="manifests-cluster" value={cluster} onChange={(e) => setCluster(e.target.value)}>
        <option value="">— pick a cluster —</option>
        {clusters.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      {cluster && manifests.error && (
        <p role="alert" className="error">
          {manifests.error}
        </p>
      )}
      {cluster && !shown && !manifests.error && <p aria-live="polite">Loading manifests of {app} on {cluster}…</p>}
      {shown && (
        <div data-testid="manifests">
          <p>
            Artifact <code data-testid="artifact-digest">{shown.artifact.digest}</code> ({shown.artifact.size} bytes), rendered from{' '}
            {shown.revision ?? '—'}
          </p>
          <ul className="objects">
            {shown.objects.map(({ object, source }, i) => (
              <li key={i} data-testid="manifest-object">
                <details>
                  <summary>
                    {objectTitle(object)} <small data-testid="manifest-source">{source.line > 0 ? `${source.file}:${source.line}` : source.file}</small>
                  </summary>
                  <pre>{JSON.stringify(object, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
          {shown.objects.length === 0 && <p>The artifact has no objects.</p>}
        </div>
      )}
    </section>
  );
}

function objectTitle(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
  return `${String(object.kind ?? '?')} ${namespace}${String(metadata.name ?? '?')}`;
}
