import { runCli } from '@flotilla/cli';
import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_ADMIN_TOKEN, type Fleet, startFleet } from './fleet.js';
import { capture } from './support/capture.js';

const files = {
  'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello\n',
};

describe('sync now (POST /api/v1/apps/{app}/sync, flotilla apps sync) on real clusters', () => {
  let fleet: Fleet;
  const kube: Record<string, KubeClient> = {};

  const editSettings = (cluster: string, greeting: string) =>
    (kube[cluster] as KubeClient).request({
      method: 'PATCH',
      path: '/api/v1/namespaces/web/configmaps/settings',
      body: { data: { greeting } },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'kubectl-edit' },
    });
  const greeting = async (cluster: string) =>
    (await (kube[cluster] as KubeClient).request<{ data: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/settings' })).data.greeting;
  const driftedOn = async (cluster: string): Promise<number> => (await fleet.api().get('/api/v1/drift').query({ cluster, app: 'web' }).expect(200)).body.items.length;

  beforeAll(async () => {
    // Agents resync every second: a resync that finds nothing to apply must change neither status nor history.
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' }, 'us-1': { env: 'prod' } }, files, agentEnv: { FLOTILLA_RESYNC_INTERVAL_MS: '1000' } });
    for (const [name, plane] of Object.entries(fleet.planes)) kube[name] = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    // Drift is only reported: nothing but a sync puts Git's version back.
    await fleet
      .api()
      .post('/api/v1/apps')
      .send({ name: 'web', source: 'fleet', path: 'web', namespace: 'web', targets: { selector: { matchLabels: { env: 'prod' } } }, policy: { drift: { mode: 'report' } } })
      .expect(201);
    for (const client of Object.values(kube)) await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } } });
    await Promise.all([fleet.startAgent('eu-1'), fleet.startAgent('us-1')]);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const items: Array<{ applied?: { phase: string } }> = (await fleet.api().get('/api/v1/apps/web/status')).body.items ?? [];
      if (items.length === 2 && items.every((i) => i.applied?.phase === 'Synced')) break;
    }
    // A hand edit on each cluster, reported as drift and left in place (the policy says report).
    await editSettings('eu-1', 'hacked');
    await editSettings('us-1', 'hacked');
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      if ((await driftedOn('eu-1')) === 1 && (await driftedOn('us-1')) === 1) break;
    }
  });
  afterAll(async () => {
    for (const client of Object.values(kube)) client.close();
    await fleet?.stop();
  });

  it('reconciles the app at once on the cluster asked, undoing drift the report-only policy leaves, and audits it', async () => {
    expect([await driftedOn('eu-1'), await driftedOn('us-1')]).toEqual([1, 1]);
    const answer = await fleet.api().post('/api/v1/apps/web/sync').send({ clusters: ['us-1'] }).expect(202);
    expect(answer.body).toMatchObject({ app: 'web', clusters: [{ cluster: 'us-1', sent: true, command: expect.stringMatching(/^[0-9a-f-]{36}$/) }] });
    await expect.poll(() => greeting('us-1'), { timeout: 20_000 }).toBe('hello');
    await expect.poll(() => driftedOn('us-1'), { timeout: 20_000 }).toBe(0);
    // Only the cluster asked: the other keeps its hand edit, still reported.
    expect(await greeting('eu-1')).toBe('hacked');
    expect(await driftedOn('eu-1')).toBe(1);

    const audit = async (action: string) => (await fleet.api().get('/api/v1/audit').query({ action }).expect(200)).body.items;
    expect(await audit('app.sync')).toMatchObject([{ actor: expect.any(String), target: 'app/web', result: 'success', details: { sent: ['us-1'], notConnected: [] } }]);
    expect(await audit('agent.command.reconcileNow')).toMatchObject([{ target: 'cluster/us-1', details: { id: answer.body.clusters[0].command, command: { reconcileNow: { app: 'web' } } } }]);
    // The agent says when it is done, in the audit log too.
    await expect.poll(async () => (await audit('agent.command.result')).find((e: { details: { id: string } }) => e.details.id === answer.body.clusters[0].command), { timeout: 20_000 }).toMatchObject({
      actor: 'agent:us-1',
      result: 'success',
    });
  });

  it('is the CLI verb "flotilla apps sync APP --cluster C --wait", which returns once the cluster’s agent has answered that it did', async () => {
    const out = capture();
    const env = { FLOTILLA_HUB_URL: fleet.hub.httpUrl, FLOTILLA_API_TOKEN: FLEET_ADMIN_TOKEN };
    expect(await runCli(['apps', 'sync', 'web', '--cluster', 'eu-1', '--wait'], { env, stdout: out.stream, stderr: out.stream })).toBe(0);
    expect(out.text).toContain('app web reconciled on eu-1');
    expect(out.text).toMatch(/eu-1\s+.*Synced\s+Healthy/);
    // --wait returned after the reconcile had applied Git's version.
    expect(await greeting('eu-1')).toBe('hello');
  });

  it('keeps one history entry per reconcile: the first apply and the sync, none for the resyncs since, whose status keeps the sync’s change set', async () => {
    const entries = async () => (await fleet.api().get('/api/v1/apps/web/history').query({ cluster: 'us-1' }).expect(200)).body.items;
    const applied = async () => (await fleet.api().get('/api/v1/apps/web/status').expect(200)).body.items.find((item: { cluster: string }) => item.cluster === 'us-1').applied;
    const before = await applied();
    // Several resyncs go by, each reporting (the status's time moves) without applying anything.
    await expect.poll(async () => (await applied()).updatedAt > before.updatedAt, { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await applied()).toMatchObject({ generation: 1, phase: 'Synced', health: 'Healthy', changes: { configured: 1 } });
    expect((await entries()).map((entry: { generation: number; outcome: string; changes: Record<string, number> }) => [entry.generation, entry.outcome, entry.changes])).toEqual([
      [1, 'healthy', expect.objectContaining({ configured: 1, created: 0 })],
      [1, 'healthy', expect.objectContaining({ created: 1 })],
    ]);
  });

  it('names what is wrong and sends nothing for an unknown app, a cluster the app does not target, or a viewer token', async () => {
    const unknownApp = await fleet.api().post('/api/v1/apps/nope/sync').send({}).expect(404);
    expect(unknownApp.body.error.message).toContain('app "nope" not found');
    const stranger = await fleet.api().post('/api/v1/apps/web/sync').send({ clusters: ['us-1', 'ap-9'] }).expect(400);
    expect(stranger.body.error.message).toBe('clusters: "ap-9" is not a target of app "web" (its targets: eu-1, us-1)');
    const badBody = await fleet.api().post('/api/v1/apps/web/sync').send({ clusters: 'us-1' }).expect(400);
    expect(JSON.stringify(badBody.body.error)).toMatch(/clusters/);
    const viewer = (await fleet.api().post('/api/v1/tokens').send({ name: 'watcher', role: 'viewer' }).expect(201)).body.token as string;
    await fleet.api(viewer).post('/api/v1/apps/web/sync').send({}).expect(403);
    // Each refusal is in the audit log as a failure; only the two syncs above succeeded.
    const syncs: Array<{ result: string; details: Record<string, unknown> }> = (await fleet.api().get('/api/v1/audit').query({ action: 'app.sync' }).expect(200)).body.items;
    expect(syncs.filter((entry) => entry.result === 'success').map((entry) => entry.details.sent)).toEqual([['eu-1'], ['us-1']]);
  });
});
