import { randomBytes } from 'node:crypto';
import type { KubeObject } from '@flotilla/core';
import { KubeClient, ResourceManager, ResourceWatch } from '@flotilla/kube';
import { type ControlPlane, startControlPlane } from '@flotilla/testenv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import { DriftMonitor } from './drift-monitor.js';
import type { AppDriftReport, DriftedObject } from '../assignment/drift-report.js';

type Policy = Partial<AgentAssignment['policy']>;

const configMap = (ns: string, name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

/** A Deployment with no replicas and few fields: the server fills in the rest. */
const deployment = (ns: string, name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] } },
  },
});

/** Generation 1 of an App named after its namespace, drift reported, with this policy. */
const assignmentIn = (ns: string, policy: Policy = {}): AgentAssignment => ({
  app: ns,
  generation: 1,
  source: { url: 'http://git.example/fleet.git', ref: 'main', commit: 'a'.repeat(40) },
  revision: `main@sha1:${'a'.repeat(40)}`,
  path: 'app',
  variables: {},
  defaultNamespace: ns,
  policy: { prune: true, driftMode: 'report', healthTimeoutMs: 5_000, autoRollback: false, driftCheckIntervalMs: 0, ...policy },
  pinned: false,
});

// The plane runs workloads (controllers, a scheduler, KWOK's simulated Nodes): a Deployment's status is written by the
// Deployment controller about Pods that really run.
describe('DriftMonitor on a real API server', () => {
  let plane: ControlPlane;
  let editor: KubeClient;
  const monitors: DriftMonitor[] = [];
  const managers: ResourceManager[] = [];

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'agent-drift', workloads: true });
    editor = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
  });
  afterAll(async () => {
    for (const monitor of monitors) await monitor.stop();
    for (const manager of managers) manager.close();
    editor?.close();
    await plane?.stop();
  });

  /** A namespace of its own, the objects applied in it by Flotilla, and a monitor tracking them as an App. */
  async function setUp(objects: (ns: string) => KubeObject[], policy: Policy = {}) {
    const ns = `drift-${randomBytes(3).toString('hex')}`;
    const manager = new ResourceManager({ kubeConfig: plane.kubeConfig('admin') });
    managers.push(manager);
    const desired = objects(ns);
    await manager.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ...desired]);
    const assignment = assignmentIn(ns, policy);
    const reports: Array<AppDriftReport & { at: number }> = [];
    const start = () => {
      const monitor = new DriftMonitor({ manager, logger: pino({ level: process.env.DBG ? 'warn' : 'silent' }), report: (report) => reports.push({ ...report, at: Date.now() }) });
      monitors.push(monitor);
      monitor.track(assignment, desired, { isComplete: true });
      return monitor;
    };
    const monitor = start();
    await expect.poll(() => reports.some((r) => r.full), { timeout: 20_000 }).toBe(true);
    const edit = async (name: string, body: unknown, fieldManager = 'kubectl-edit', resource = 'configmaps', group = '/api/v1') => {
      const at = Date.now();
      await editor.request({ method: 'PATCH', path: `${group}/namespaces/${ns}/${resource}/${name}`, body, contentType: 'application/merge-patch+json', query: { fieldManager } });
      return at;
    };
    const get = (name: string) => editor.request<KubeObject & { data?: Record<string, string> }>({ method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/${name}` });
    /** The first report object about `name` after `since` that matches. */
    const reported = async (name: string, since: number, match: (o: DriftedObject) => boolean = () => true, timeout = 10_000) => {
      let found: { object: DriftedObject; at: number } | undefined;
      await expect
        .poll(() => {
          for (const r of reports) {
            const object = r.at >= since ? r.objects.find((o) => o.ref.name === name && match(o)) : undefined;
            if (object) return (found = { object, at: r.at });
          }
          return undefined;
        }, { timeout, interval: 5 })
        .toBeDefined();
      return found as { object: DriftedObject; at: number };
    };
    const cleared = (name: string, since: number) =>
      expect.poll(() => reports.some((r) => r.at >= since && r.cleared.some((ref) => ref.name === name)), { timeout: 10_000, interval: 5 }).toBe(true);
    return { ns, manager, monitor, reports, edit, get, reported, cleared, start, assignment };
  }

  it('reports an edit by another field manager within a second, with path, values, manager and time, and clears it when undone', async () => {
    const t = await setUp((ns) => [configMap(ns, 'settings', { a: '1', b: '2' })]);
    expect(t.reports.at(-1)?.objects).toEqual([]);
    const editedAt = await t.edit('settings', { data: { a: 'edited' } });
    const { object, at } = await t.reported('settings', editedAt);
    expect(at - editedAt).toBeLessThan(1_000);
    expect(object).toMatchObject({
      ref: { kind: 'ConfigMap', namespace: t.ns, name: 'settings' },
      deleted: false,
      diffs: [{ path: '/data/a', desired: '1', live: 'edited' }],
      manager: 'kubectl-edit',
      action: 'reported',
      corrections: 0,
    });
    expect(object.changedAt?.getTime()).toBeGreaterThan(editedAt - 2_000);
    expect(Math.abs(object.detectedAt.getTime() - at)).toBeLessThan(1_000);
    // Report mode changes nothing.
    expect((await t.get('settings')).data?.a).toBe('edited');
    await t.cleared('settings', await t.edit('settings', { data: { a: '1' } }));
    expect(t.monitor.drifted(t.ns)).toEqual([]);
  });

  it('reports a deleted object, and a field someone removed', async () => {
    const t = await setUp((ns) => [configMap(ns, 'doomed', { a: '1' }), { ...configMap(ns, 'labelled', {}), metadata: { name: 'labelled', namespace: ns, labels: { team: 'web' } } }]);
    const deletedAt = Date.now();
    await editor.request({ method: 'DELETE', path: `/api/v1/namespaces/${t.ns}/configmaps/doomed` });
    expect((await t.reported('doomed', deletedAt)).object).toMatchObject({ deleted: true, diffs: [] });
    // A removed field is owned by nobody: the change is put down to whoever wrote after Flotilla (here, an annotation).
    const removedAt = await t.edit('labelled', { metadata: { labels: { team: null }, annotations: { cleaned: 'yes' } } }, 'cleanup-script');
    expect((await t.reported('labelled', removedAt)).object).toMatchObject({ diffs: [{ path: '/metadata/labels/team', desired: 'web' }], manager: 'cleanup-script' });
  });

  it('takes neither server defaults, status, nor fields another manager owns (replicas of an autoscaler) for drift', async () => {
    const t = await setUp((ns) => [deployment(ns, 'api'), configMap(ns, 'canary', { a: '1' })]);
    const path = `/apis/apps/v1/namespaces/${t.ns}/deployments/api`;
    const live = await editor.request<KubeObject & { spec: { replicas: number; revisionHistoryLimit: number } }>({ method: 'GET', path });
    expect(live.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10 });
    const since = Date.now();
    await editor.request({ method: 'PATCH', path: `${path}/scale`, body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'autoscaler' } });
    // The Deployment controller scales the ReplicaSet and writes the status as the five Pods go Ready.
    await expect.poll(async () => (await editor.request<{ status?: { readyReplicas?: number } }>({ method: 'GET', path })).status?.readyReplicas, { timeout: 30_000 }).toBe(5);
    // A drift after those changes, to know their events were handled before it.
    await t.reported('canary', await t.edit('canary', { data: { a: 'x' } }));
    await t.monitor.checkNow(t.ns);
    expect(t.reports.filter((r) => r.at >= since).flatMap((r) => r.objects.map((o) => o.ref.name))).not.toContain('api');
    expect(t.reports.at(-1)).toMatchObject({ full: true, objects: [{ ref: { name: 'canary' } }] });
  });

  it('corrects an edit in correct mode and reports the correction, then the match', async () => {
    const t = await setUp((ns) => [configMap(ns, 'settings', { a: '1' }), deployment(ns, 'api')], { driftMode: 'correct' });
    const editedAt = await t.edit('settings', { data: { a: 'edited' } });
    const first = await t.reported('settings', editedAt);
    expect(first.at - editedAt).toBeLessThan(1_000);
    expect((await t.reported('settings', editedAt, (o) => o.action === 'corrected')).object).toMatchObject({ corrections: 1, manager: 'kubectl-edit', diffs: [{ path: '/data/a' }] });
    await t.cleared('settings', editedAt);
    expect((await t.get('settings')).data).toEqual({ a: '1' });

    const imageAt = await t.edit('api', { spec: { template: { spec: { containers: [{ name: 'app', image: 'evil:1' }] } } } }, 'kubectl-set', 'deployments', '/apis/apps/v1');
    expect((await t.reported('api', imageAt, (o) => o.action === 'corrected')).object).toMatchObject({
      diffs: [{ path: '/spec/template/spec/containers/0/image', desired: 'registry.example/app:1', live: 'evil:1' }],
      manager: 'kubectl-set',
    });
    await t.cleared('api', imageAt);
  });

  it('recreates a deleted object in correct mode', async () => {
    const t = await setUp((ns) => [configMap(ns, 'doomed', { a: '1' })], { driftMode: 'correct' });
    const deletedAt = Date.now();
    await editor.request({ method: 'DELETE', path: `/api/v1/namespaces/${t.ns}/configmaps/doomed` });
    expect((await t.reported('doomed', deletedAt, (o) => o.action === 'corrected')).object).toMatchObject({ deleted: true });
    await t.cleared('doomed', deletedAt);
    expect((await t.get('doomed')).data).toEqual({ a: '1' });
  });

  it('neither reports nor reverts an ignored field, while correcting the others', async () => {
    const t = await setUp((ns) => [configMap(ns, 'settings', { a: '1', tuned: 'default' })], {
      driftMode: 'correct',
      driftIgnore: [{ kind: 'ConfigMap', name: 'sett*', jsonPointers: ['/data/tuned'] }],
    });
    const since = await t.edit('settings', { data: { tuned: 'by-hand' } });
    const editedAt = await t.edit('settings', { data: { a: 'edited' } });
    expect((await t.reported('settings', editedAt, (o) => o.action === 'corrected')).object.diffs.map((d) => d.path)).toEqual(['/data/a']);
    await t.cleared('settings', editedAt);
    expect((await t.get('settings')).data).toEqual({ a: '1', tuned: 'by-hand' });
    expect(t.reports.filter((r) => r.at >= since).flatMap((r) => r.objects.flatMap((o) => o.diffs.map((d) => d.path)))).not.toContain('/data/tuned');
  });

  it('stops correcting and reports a fight with a controller that keeps reverting', async () => {
    const t = await setUp((ns) => [configMap(ns, 'contested', { owner: 'flotilla' })], { driftMode: 'correct', maxCorrections: 3, correctionBackoffMaxMs: 5_000 });
    let reverts = 0;
    const fighter = new ResourceWatch({
      client: editor,
      path: `/api/v1/namespaces/${t.ns}/configmaps`,
      onSync: () => undefined,
      onEvent: (type, object) => {
        const data = (object as KubeObject & { data?: Record<string, string> }).data;
        if (type === 'DELETED' || object.metadata.name !== 'contested' || data?.owner === 'other') return;
        reverts += 1;
        void t.edit('contested', { data: { owner: 'other' } }, 'other-controller');
      },
    });
    await fighter.start();
    const startedAt = await t.edit('contested', { data: { owner: 'other' } }, 'other-controller');
    const { object } = await t.reported('contested', startedAt, (o) => o.action === 'fighting', 20_000);
    expect(object).toMatchObject({ manager: 'other-controller', corrections: 3, diffs: [{ path: '/data/owner', desired: 'flotilla', live: 'other' }] });
    const revertsAtFight = reverts;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(reverts).toBe(revertsAtFight);
    expect((await t.get('contested')).data).toEqual({ owner: 'other' });
    await fighter.stop();
  });

  it('watches nothing and reports nothing in off mode, and drops what it reported when switched off', async () => {
    const t = await setUp((ns) => [configMap(ns, 'settings', { a: '1' })]);
    await t.reported('settings', await t.edit('settings', { data: { a: 'edited' } }));
    const offAt = Date.now();
    t.monitor.track({ ...t.assignment, generation: 2, policy: { ...t.assignment.policy, driftMode: 'off' } }, [configMap(t.ns, 'settings', { a: '1' })], { isComplete: true });
    await expect.poll(() => t.reports.find((r) => r.at >= offAt && r.full)).toMatchObject({ generation: 2, objects: [] });
    expect(t.monitor.watchCount).toBe(0);
    const editedAt = await t.edit('settings', { data: { a: 'again' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.reports.filter((r) => r.at >= editedAt)).toEqual([]);
  });

  it('finds at start what changed while it was not running', async () => {
    const t = await setUp((ns) => [configMap(ns, 'settings', { a: '1' }), configMap(ns, 'doomed', { a: '1' })]);
    await t.monitor.stop();
    await t.edit('settings', { data: { a: 'while-away' } }, 'night-shift');
    await editor.request({ method: 'DELETE', path: `/api/v1/namespaces/${t.ns}/configmaps/doomed` });
    const restartedAt = Date.now();
    const again = t.start();
    expect(again.isApplied(t.assignment, { inventory: [], revision: t.assignment.revision, generation: 1 })).toBe(true);
    await expect.poll(() => t.reports.find((r) => r.at >= restartedAt && r.full), { timeout: 20_000 }).toBeDefined();
    const full = t.reports.find((r) => r.at >= restartedAt && r.full) as AppDriftReport;
    expect(full.objects.map((o) => [o.ref.name, o.deleted, o.manager]).sort()).toEqual([
      ['doomed', true, ''],
      ['settings', false, 'night-shift'],
    ]);
  });
  it('takes the apply\'s answer as its first comparison: no dry-run of its own for objects the watch shows as applied, and edits after it still found', async () => {
    const ns = `drift-${randomBytes(3).toString('hex')}`;
    const dryRuns: string[] = [];
    const manager = new ResourceManager({
      kubeConfig: plane.kubeConfig('admin'),
      hooks: [{ pre: (request) => void (request.url.searchParams.get('dryRun') !== null && dryRuns.push(request.url.pathname)) }],
    });
    managers.push(manager);
    const desired = ['a', 'b', 'c'].map((name) => configMap(ns, name, { version: '1' }));
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    const applied = await manager.apply([namespace, ...desired]);
    expect(applied.after.size).toBe(4);
    const assignment = assignmentIn(ns);
    const reports: AppDriftReport[] = [];
    const monitor = new DriftMonitor({ manager, logger: pino({ level: 'silent' }), report: (report) => reports.push(report) });
    monitors.push(monitor);
    dryRuns.length = 0;
    monitor.track(assignment, desired, { isComplete: true, after: applied.after });
    await expect.poll(() => reports.some((r) => r.full), { timeout: 20_000 }).toBe(true);
    expect(dryRuns).toEqual([]);
    expect(monitor.drifted(ns)).toEqual([]);

    // An edit after the apply is compared (one dry-run) and reported as before.
    await editor.request({ method: 'PATCH', path: `/api/v1/namespaces/${ns}/configmaps/b`, body: { data: { version: 'edited' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });
    await expect.poll(() => monitor.drifted(ns).map((d) => d.ref.name), { timeout: 10_000 }).toEqual(['b']);
    expect(dryRuns).toEqual([`/api/v1/namespaces/${ns}/configmaps/b`]);

    // The next generation applied over the drift (held, as the reconciler does): its answer does not clear the drift, a
    // comparison of its own does.
    monitor.hold(ns);
    const next = await manager.apply(desired);
    dryRuns.length = 0;
    monitor.track({ ...assignment, generation: 2 }, desired, { isComplete: true, after: next.after });
    await expect.poll(() => monitor.drifted(ns), { timeout: 10_000 }).toEqual([]);
    expect(dryRuns).toContain(`/api/v1/namespaces/${ns}/configmaps/b`);
    expect(dryRuns).not.toContain(`/api/v1/namespaces/${ns}/configmaps/a`);

    // An edit between the apply and track() (the watch behind the apply, or past it) is found all the same.
    monitor.hold(ns);
    const third = ['a', 'b', 'c'].map((name) => configMap(ns, name, { version: '3' }));
    const applied3 = await manager.apply(third);
    await editor.request({ method: 'PATCH', path: `/api/v1/namespaces/${ns}/configmaps/a`, body: { data: { version: 'edited' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });
    monitor.track({ ...assignment, generation: 3 }, third, { isComplete: true, after: applied3.after });
    await expect.poll(() => monitor.drifted(ns).map((d) => `${d.ref.name} ${d.manager}`), { timeout: 10_000 }).toEqual(['a kubectl-edit']);
  });
});
