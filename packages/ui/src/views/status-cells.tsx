import type { AppClusterStatusView } from '@flotilla/api';
import type { CellState } from '../cell-state.js';

/** The desired and applied revisions and the state of one app on one cluster: the columns the app and cluster views share. */
export function StatusCells({ item, state }: { item: Pick<AppClusterStatusView, 'desired' | 'applied'>; state: CellState }) {
  return (
    <>
      <td>{item.desired?.revision ?? '—'}</td>
      <td>{item.applied?.revision ?? '—'}</td>
      <td className={`cell tone-${state.tone}`}>
        {state.icon} {state.sync} {state.health} {state.drift > 0 && `⚠${state.drift} drifted`}
      </td>
    </>
  );
}
