import { fromTimestamp, type StatusEvent } from '@flotilla/proto';
import { enumWord, healthOf, phaseOf } from '../client/fleet-view.js';
import { formatCell, formatChanges, shortRevision } from './format-values.js';
import type { Style } from './style.js';

/** One line for a live status-stream event (`12:00:04  status   hello on prod  Synced Healthy …`); undefined for snapshot parts. */
export function describeEvent(event: StatusEvent, style: Style): string | undefined {
  const at = fromTimestamp(event.time) ?? new Date();
  const time = style.dim(at.toTimeString().slice(0, 8));
  const line = (kind: string, text: string): string => `${time}  ${style.bold(kind.padEnd(8))}${text}`;
  if (event.cluster?.cluster) {
    const type = enumWord(event.cluster.type, 'CLUSTER_EVENT_TYPE_').toLowerCase();
    return line('cluster', `${event.cluster.cluster.name}  ${style.state(type)}`);
  }
  if (event.assignment) {
    const { app, cluster, revision, generation, removed } = event.assignment;
    return removed ? line('assign', `${app} removed from ${cluster}`) : line('assign', `${`${app} → ${cluster}`.padEnd(20)} ${shortRevision(revision)}  (generation ${generation})`);
  }
  if (event.status) {
    const s = event.status;
    const text = `${`${s.app} on ${s.cluster}`.padEnd(20)} ${style.state(phaseOf(s))} ${style.state(healthOf(s))}  ${shortRevision(s.appliedRevision)}  ${formatChanges(s.changes)}`;
    const errors = (s.errors ?? []).slice(0, 3).map((e) => `\n${' '.repeat(18)}${style.red(e.code)} ${e.message}`);
    return line('status', text + errors.join(''));
  }
  if (event.drift) {
    const { app, cluster } = event.drift;
    const parts = [
      ...(event.drift.objects ?? []).map((o) => {
        const what = o.deleted ? 'deleted' : `changed${o.manager ? ` by ${o.manager}` : ''}`;
        const action = enumWord(o.action, 'DRIFT_ACTION_').toLowerCase();
        return `${formatCell(o.object)} ${what}${action === '-' ? '' : ` (${action})`}`;
      }),
      ...(event.drift.cleared ?? []).map((ref) => `${formatCell(ref)} ${style.green('matches again')}`),
    ];
    return line('drift', `${app} on ${cluster}  ${parts.join('; ') || 'no drift'}`);
  }
  if (event.rollout) {
    const r = event.rollout;
    const state = enumWord(r.state, 'ROLLOUT_STATE_');
    const progress = `wave ${r.wave}  ${r.updatedClusters}/${r.totalClusters} updated${r.failedClusters ? `, ${style.red(`${r.failedClusters} failed`)}` : ''}`;
    return line('rollout', `${r.app}  ${shortRevision(r.revision)}  ${style.state(state)}  ${progress}${r.message ? `  ${r.message}` : ''}`);
  }
  if (event.snapshotComplete?.reset) return line('resync', 'the hub sent a fresh snapshot (it no longer held the events missed)');
  return undefined;
}
