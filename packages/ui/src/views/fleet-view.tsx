import { useState } from 'react';
import type { Session } from '../app.js';
import { cellState } from '../cell-state.js';
import { cellKey } from '../fleet-store.js';
import { parseLabelSelector } from '../label-selector.js';
import { href } from '../use-hash-route.js';

const ROW_HEIGHT = 30;
const OVERSCAN = 8;

/** The fleet as a matrix: a row per cluster, a column per app; only the rows in view are rendered. */
export function FleetView({ session }: { session: Session }) {
  const { store } = session;
  const [selector, setSelector] = useState('');
  const [appFilter, setAppFilter] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  let selectorError: string | undefined;
  let test = (_labels: Record<string, string>): boolean => true;
  try {
    test = parseLabelSelector(selector);
  } catch (error) {
    selectorError = (error as Error).message;
  }
  const apps = store.apps().filter((app) => app.includes(appFilter.trim()));
  const clusters = [...store.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const shown = clusters.filter((c) => test(c.labels ?? {}));
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);

  return (
    <section aria-labelledby="fleet-title">
      <h1 id="fleet-title">Fleet</h1>
      <div className="filters">
        <label>
          Cluster label selector
          <input value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="env=prod,tier!=edge" aria-invalid={Boolean(selectorError)} />
        </label>
        <label>
          App
          <input value={appFilter} onChange={(e) => setAppFilter(e.target.value)} placeholder="name contains" />
        </label>
        <span>
          {shown.length} clusters × {apps.length} apps
        </span>
        {selectorError && (
          <span role="alert" className="error">
            {selectorError}
          </span>
        )}
      </div>
      <div
        className="matrix"
        tabIndex={0}
        aria-label="Fleet matrix: clusters by apps"
        ref={(el) => {
          if (el && el.clientHeight !== viewport && el.clientHeight > 0) setViewport(el.clientHeight);
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <table data-testid="fleet-matrix">
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              {apps.map((app) => (
                <th scope="col" key={app}>
                  <a href={href('apps', app)}>{app}</a>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr style={{ height: first * ROW_HEIGHT }} aria-hidden="true" />}
            {shown.slice(first, last).map((cluster) => (
              <tr key={cluster.name} style={{ height: ROW_HEIGHT }}>
                <th scope="row">
                  <a href={href('clusters', cluster.name)}>
                    {cluster.connected ? '' : '⚠ '}
                    {cluster.name}
                  </a>
                </th>
                {apps.map((app) => {
                  const status = store.statuses.get(cellKey(app, cluster.name));
                  const state = cellState(status);
                  const words = state.sync === '—' ? 'not targeted' : `${state.sync}${state.health ? `, ${state.health}` : ''}${state.drift ? `, ${state.drift} drifted` : ''}`;
                  return (
                    <td key={app} className={`cell tone-${state.tone}`} data-cell={`${app}/${cluster.name}`} data-revision={status?.appliedRevision} title={`${app} on ${cluster.name}: ${words}`}>
                      {state.icon} {state.sync === '—' ? '' : state.sync}
                      {state.health && ` · ${state.health}`}
                      {state.drift > 0 && <span className="drift"> ⚠{state.drift}</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
            {last < shown.length && <tr style={{ height: (shown.length - last) * ROW_HEIGHT }} aria-hidden="true" />}
          </tbody>
        </table>
      </div>
    </section>
  );
}
