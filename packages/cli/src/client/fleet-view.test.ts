import type { AppClusterStatus, StatusEvent } from '@flotilla/proto';
import { describe, expect, it } from 'vitest';
import { enumWord, FleetView } from './fleet-view.js';

const REV = (n: number) => `main@sha1:${String(n).repeat(40)}`;

function status(cluster: string, fields: Partial<AppClusterStatus> = {}): AppClusterStatus {
  return {
    app: 'web',
    cluster,
    desiredRevision: REV(1),
    desiredGeneration: 1,
    appliedRevision: REV(1),
    appliedGeneration: 1,
    phase: 'PHASE_SYNCED',
    health: 'HEALTH_HEALTHY',
    errors: [],
    driftedObjects: 0,
    ...fields,
  } as AppClusterStatus;
}
const cluster = (name: string) => ({ name, labels: {}, connected: true, agentVersion: '', kubernetesVersion: '' });
const event = (fields: Partial<StatusEvent>): StatusEvent => ({ cursor: 'c', ...fields });

describe('FleetView', () => {
  it('builds the fleet from a snapshot and is live once the snapshot is complete', () => {
    const view = new FleetView();
    view.apply(event({ clusterSnapshot: cluster('eu-1') }));
    view.apply(event({ statusSnapshot: status('eu-1') }));
    expect(view.isLive).toBe(false);
    view.apply(event({ snapshotComplete: { reset: false } }));
    expect(view.isLive).toBe(true);
    expect(view.isSettled('web')).toBe(true);
  });

  it('follows a new revision from assignment to report', () => {
    const view = new FleetView();
    view.apply(event({ statusSnapshot: status('eu-1') }));
    view.apply(event({ snapshotComplete: { reset: false } }));
    view.apply(event({ assignment: { app: 'web', cluster: 'eu-1', generation: 2, revision: REV(2), removed: false } }));
    expect(view.isSettled('web')).toBe(false);
    view.apply(event({ status: status('eu-1', { desiredRevision: REV(2), desiredGeneration: 2, appliedRevision: REV(2), appliedGeneration: 2, health: 'HEALTH_PROGRESSING' as never }) }));
    expect(view.isSettled('web')).toBe(false);
    view.apply(event({ status: status('eu-1', { desiredRevision: REV(2), desiredGeneration: 2, appliedRevision: REV(2), appliedGeneration: 2 }) }));
    expect(view.isSettled('web')).toBe(true);
  });

  it('drops an app from a cluster it left, and everything of a removed cluster', () => {
    const view = new FleetView();
    view.apply(event({ clusterSnapshot: cluster('eu-1') }));
    view.apply(event({ clusterSnapshot: cluster('us-1') }));
    view.apply(event({ statusSnapshot: status('eu-1') }));
    view.apply(event({ statusSnapshot: status('us-1') }));
    view.apply(event({ snapshotComplete: { reset: false } }));
    view.apply(event({ assignment: { app: 'web', cluster: 'eu-1', generation: 2, revision: '', removed: true } }));
    expect(view.rows().map((s) => s.cluster)).toEqual(['us-1']);
    view.apply(event({ cluster: { type: 'CLUSTER_EVENT_TYPE_REMOVED' as never, cluster: cluster('us-1') } }));
    expect(view.rows()).toEqual([]);
    expect([...view.clusters.keys()]).toEqual(['eu-1']);
  });

  it('replaces what a fresh snapshot (after a resume too old) no longer mentions', () => {
    const view = new FleetView();
    view.apply(event({ statusSnapshot: status('eu-1') }));
    view.apply(event({ statusSnapshot: status('us-1') }));
    view.apply(event({ snapshotComplete: { reset: false } }));
    view.apply(event({ statusSnapshot: status('us-1') }));
    view.apply(event({ snapshotComplete: { reset: true } }));
    expect(view.rows().map((s) => s.cluster)).toEqual(['us-1']);
  });
});

describe('enumWord', () => {
  it('turns wire enum names into words', () => {
    expect(enumWord('PHASE_ROLLED_BACK', 'PHASE_')).toBe('RolledBack');
    expect(enumWord('ROLLOUT_STATE_PROGRESSING', 'ROLLOUT_STATE_')).toBe('Progressing');
    expect(enumWord('HEALTH_UNSPECIFIED', 'HEALTH_')).toBe('-');
    expect(enumWord(undefined, 'PHASE_')).toBe('-');
  });
});
