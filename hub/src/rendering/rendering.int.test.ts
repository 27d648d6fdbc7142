import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { decodeArtifact, encodeArtifact } from '@flotilla/core';
import { type HubMessage, type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { type GitServer, metricValue, scrapeMetrics, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHub, TEST_ADMIN_TOKEN, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';
import { ArtifactsService } from '../artifacts/artifacts.service.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { AppRenderer } from './app-renderer.service.js';
import { SourceCheckouts } from './source-checkouts.js';

const GIT_PASSWORD = 'git-password-of-the-render-tests';
const CLUSTERS = { 'eu-1': 'prod', 'us-1': 'prod', 'dev-1': 'dev' } as const;
type ClusterName = keyof typeof CLUSTERS;

const configMap = (name: string, data: Record<string, string>): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data)
    .map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`)
    .join('\n')}\n`;

/** A repository as a team would lay it out: one directory per app, variables in one, a Secret and a big one. */
const FILES = {
  'apps/a/config.yaml': configMap('a', { cluster: '${cluster.name}', env: '${cluster.labels.env}', version: '1' }),
  'apps/b/config.yaml': configMap('b', { dashboard: '{"expr": "sum(rate(x[5m])) by (${1})", "datasource": "${datasource}"}' }),
  'apps/b/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nstringData:\n  password: hunter2\ndata:\n  token: aHVudGVyMg==\n',
  'apps/k/base/kustomization.yaml': 'resources:\n  - deployment.yaml\nconfigMapGenerator:\n  - name: settings\n    literals:\n      - greeting=hello\n',
  'apps/k/base/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          env:\n            - name: CLUSTER\n              value: ${cluster.name}\n',
  'apps/k/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamePrefix: prod-\npatches:\n  - target: { kind: Deployment, name: web }\n    patch: |\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
  'apps/remote/kustomization.yaml': 'resources:\n  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0\n',
  'apps/big/one.yaml': configMap('one', { blob: 'x'.repeat(700 * 1024) }),
  'apps/big/two.yaml': configMap('two', { blob: 'y'.repeat(700 * 1024) }),
};

describe.each(TEST_DATABASES)('rendering on the hub on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let firstCommit: string;
  const credentials = {} as Record<ClusterName, string>;
  const agents = {} as Record<ClusterName, TestAgent>;

  type StatusItem = { cluster: string; desired: { generation: number; revision: string } | null };
  const generations = async (app: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      ((await hub.api().get(`/api/v1/apps/${app}/status`).expect(200)).body.items as StatusItem[]).flatMap((item) => (item.desired ? [[item.cluster, item.desired.generation]] : [])),
    );
  const latestAssignment = (cluster: ClusterName, app: string): NonNullable<HubMessage['assignment']> | undefined =>
    agents[cluster].received.filter((m) => m.assignment?.app === app).at(-1)?.assignment ?? undefined;
  const renders = async (renderer = 'plain'): Promise<number> => metricValue(await scrapeMetrics(`${hub.httpUrl}/metrics`), 'flotilla_hub_renders_total', { renderer, result: 'ok' }) ?? 0;
  const rolloutCount = async (app: string): Promise<number> => (await hub.api().get('/api/v1/rollouts').query({ app, limit: 100 }).expect(200)).body.items.length;
  const push = async (changes: Record<string, string | null>): Promise<string> => {
    const checkout = await git.checkout('fleet');
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) await checkout.remove(path);
      else await checkout.write(path, content);
    }
    const commit = await checkout.commit('change');
    await checkout.push();
    await hub.api().post('/api/v1/sources/fleet/refresh').expect(200);
    return commit;
  };
  const settled = async (app: string): Promise<void> => {
    await vi.waitFor(
      async () => {
        const [latest] = (await hub.api().get('/api/v1/rollouts').query({ app, limit: 1 }).expect(200)).body.items;
        expect(latest?.state).toBe('completed');
      },
      { timeout: 15_000, interval: 100 },
    );
  };

  beforeAll(async () => {
    git = await startGitServer({ auth: { username: 'flotilla', password: GIT_PASSWORD } });
    firstCommit = (await git.createRepository('fleet', FILES)).commit;
    hub = await startTestHub(database, { FLOTILLA_KUSTOMIZE_PATH: process.env.FLOTILLA_KUSTOMIZE as string });
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), credentials: { username: 'flotilla', password: GIT_PASSWORD }, pollIntervalSeconds: 3600 }).expect(201);
    for (const [name, env] of Object.entries(CLUSTERS) as Array<[ClusterName, string]>) {
      const joinToken = (await hub.api().post('/api/v1/clusters').send({ name, labels: { env } }).expect(201)).body.joinToken;
      credentials[name] = await TestAgent.join(hub.grpcAddress, joinToken, name);
      agents[name] = TestAgent.connect(hub.grpcAddress, credentials[name], name).keepAlive(1000).reportEverythingHealthy();
    }
    await hub.api().post('/api/v1/apps').send({ name: 'a', source: 'fleet', path: 'apps/a', targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'b', source: 'fleet', path: 'apps/b', targets: { selector: {} } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'big', source: 'fleet', path: 'apps/big', targets: { clusters: ['dev-1'] } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'k', source: 'fleet', path: 'apps/k/overlays/prod', targets: { clusters: ['eu-1'] } }).expect(201);
    for (const app of ['a', 'b', 'big', 'k']) await settled(app);
  });
  afterAll(async () => {
    for (const agent of Object.values(agents)) await agent.close().catch(() => undefined);
    await hub?.stop();
    await git?.stop();
  });

  it('fetches the commit once and builds each app path once, whatever the number of clusters; equal artifacts are one', async () => {
    expect(hub.app.get(SourceCheckouts, { strict: false }).fetches).toBe(1);
    expect(await renders()).toBe(3);
    expect(await renders('kustomize')).toBe(1);
    const bDigests = new Set((['eu-1', 'us-1', 'dev-1'] as const).map((cluster) => latestAssignment(cluster, 'b')?.artifact?.digest));
    expect(bDigests.size).toBe(1);
    // Cluster variables differ, and so do the artifacts.
    expect(latestAssignment('eu-1', 'a')?.artifact?.digest).not.toBe(latestAssignment('us-1', 'a')?.artifact?.digest);
  });

  it("substitutes and stores each cluster's artifact of a build once, however often the app is computed again", async () => {
    // Every step of a rollout (each status report of its clusters) computes the app's assignments again.
    const render = vi.spyOn(hub.app.get(AppRenderer, { strict: false }), 'render');
    const put = vi.spyOn(hub.app.get(ArtifactsService, { strict: false }), 'put');
    const before = await generations('a');
    try {
      for (let i = 0; i < 3; i++) {
        await hub.api().patch('/api/v1/apps/a').send({ targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(200);
        await hub.app.get(AssignmentsService, { strict: false }).whenIdle();
      }
      expect(render.mock.calls.filter(([request]) => request.app === 'a').length).toBeGreaterThanOrEqual(3);
      expect(put).not.toHaveBeenCalled();
      expect(await generations('a')).toEqual(before);
    } finally {
      render.mockRestore();
      put.mockRestore();
    }
  });

  it('sends agents the artifact, never the Git credentials of the source', async () => {
    const assignment = latestAssignment('eu-1', 'a');
    expect(assignment?.artifact?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(assignment?.source?.credentials ?? null).toBeNull();
    for (const agent of Object.values(agents)) expect(JSON.stringify(agent.received)).not.toContain(GIT_PASSWORD);
  });

  it("streams a cluster its own artifacts in chunks of at most 1 MiB that reassemble to the digest, and refuses others'", async () => {
    const big = latestAssignment('dev-1', 'big')?.artifact;
    const chunks = await TestAgent.fetchArtifact(hub.grpcAddress, credentials['dev-1'], big?.digest as string);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.byteLength).toBeLessThanOrEqual(1024 * 1024);
    const bytes = Buffer.concat(chunks);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(big?.digest);
    expect(bytes.byteLength).toBe(Number(big?.size));
    expect(decodeArtifact(bytes, big?.digest).objects.map((o) => o.source)).toEqual([
      { file: 'apps/big/one.yaml', line: 1 },
      { file: 'apps/big/two.yaml', line: 1 },
    ]);

    const euArtifact = latestAssignment('eu-1', 'a')?.artifact?.digest as string;
    const refused = await TestAgent.fetchArtifact(hub.grpcAddress, credentials['dev-1'], euArtifact).catch((error: grpc.ServiceError) => error);
    expect((refused as grpc.ServiceError).code).toBe(grpc.status.PERMISSION_DENIED);
    const unknown = await TestAgent.fetchArtifact(hub.grpcAddress, credentials['dev-1'], `sha256:${'0'.repeat(64)}`).catch((error: grpc.ServiceError) => error);
    expect((unknown as grpc.ServiceError).code).toBe(grpc.status.NOT_FOUND);
    const stranger = await TestAgent.fetchArtifact(hub.grpcAddress, 'not-a-credential', euArtifact).catch((error: grpc.ServiceError) => error);
    expect((stranger as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('shows the objects an app applies on a cluster, Secret values redacted', async () => {
    const res = await hub.api().get('/api/v1/apps/b/manifests').query({ cluster: 'dev-1' }).expect(200);
    expect(res.body.artifact.digest).toBe(latestAssignment('dev-1', 'b')?.artifact?.digest);
    const secret = res.body.objects.find((o: { object: { kind: string } }) => o.object.kind === 'Secret');
    expect(secret).toEqual({
      object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b' }, stringData: { password: '(redacted)' }, data: { token: '(redacted)' } },
      source: { file: 'apps/b/secret.yaml', line: 1 },
    });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const a = await hub.api().get('/api/v1/apps/a/manifests').query({ cluster: 'eu-1' }).expect(200);
    expect(a.body.objects[0].object.data).toEqual({ cluster: 'eu-1', env: 'prod', version: '1' });
    // Only the App's and the cluster's variables are substituted; other ${…} stay as written.
    expect(res.body.objects.find((o: { object: { kind: string } }) => o.object.kind === 'ConfigMap').object.data.dashboard).toBe('{"expr": "sum(rate(x[5m])) by (${1})", "datasource": "${datasource}"}');
  });

  it('builds a Kustomize overlay with the real kustomize, then substitutes the cluster variables', async () => {
    const k = await hub.api().get('/api/v1/apps/k/manifests').query({ cluster: 'eu-1' }).expect(200);
    const byKind = Object.fromEntries(k.body.objects.map((o: { object: { kind: string } }) => [o.object.kind, o.object]));
    expect(byKind.Deployment.metadata.name).toBe('prod-web');
    expect(byKind.Deployment.spec.replicas).toBe(3);
    expect(byKind.Deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'CLUSTER', value: 'eu-1' }]);
    expect(byKind.ConfigMap.metadata.name).toMatch(/^prod-settings-[a-z0-9]{10}$/);
  });

  it('refuses a remote Kustomize base unless the App allows it: RenderFailed, nothing assigned', async () => {
    await hub.api().post('/api/v1/apps').send({ name: 'remote', source: 'fleet', path: 'apps/remote', targets: { clusters: ['eu-1'] } }).expect(201);
    await vi.waitFor(async () => expect((await hub.api().get('/api/v1/apps/remote').expect(200)).body.renderStatus?.state).toBe('RenderFailed'), { timeout: 10_000, interval: 100 });
    const { renderStatus, render } = (await hub.api().get('/api/v1/apps/remote').expect(200)).body;
    expect(render).toEqual({ allowRemoteBases: false });
    expect(renderStatus).toMatchObject({ renderer: 'kustomize', clusters: ['eu-1'] });
    expect(renderStatus.message).toMatch(/remote/i);
    expect(await generations('remote')).toEqual({});
    await hub.api().delete('/api/v1/apps/remote').expect(204);
    await hub.api().get('/api/v1/apps/a/manifests').query({ cluster: 'dev-1' }).expect(404);
    await hub.api().get('/api/v1/apps/a/manifests').expect(400);
  });

  it("a commit touching apps/a gives a a new generation and leaves b's generations and rollouts alone", async () => {
    const [aBefore, bBefore, bRollouts, rendersBefore] = [await generations('a'), await generations('b'), await rolloutCount('b'), await renders()];
    await push({ 'apps/a/config.yaml': configMap('a', { cluster: '${cluster.name}', env: '${cluster.labels.env}', version: '2' }) });
    await vi.waitFor(async () => expect(await generations('a')).toEqual(Object.fromEntries(Object.entries(aBefore).map(([c, g]) => [c, g + 1]))), { timeout: 10_000, interval: 100 });
    await settled('a');
    expect(await generations('b')).toEqual(bBefore);
    expect(await rolloutCount('b')).toBe(bRollouts);
    // One build per app path at the new commit, one fetch of it.
    expect((await renders()) - rendersBefore).toBe(3);
    expect(hub.app.get(SourceCheckouts, { strict: false }).fetches).toBe(2);
  });

  it('a revision that fails to render reaches no agent: RenderFailed with the tool message and file, in REST, the status stream and metrics', async () => {
    const before = await generations('a');
    const client = new StatusServiceClient(hub.grpcAddress, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const events: StatusEvent[] = [];
    const call = client.watch({ clusters: [], apps: ['a'], resumeFrom: '', skipSnapshot: true }, metadata);
    call.on('data', (event: StatusEvent) => events.push(event));
    call.on('error', () => undefined);
    const digest = latestAssignment('eu-1', 'a')?.artifact?.digest;
    await push({ 'apps/a/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
    await vi.waitFor(async () => expect((await hub.api().get('/api/v1/apps/a').expect(200)).body.renderStatus?.state).toBe('RenderFailed'), { timeout: 10_000, interval: 100 });
    const { renderStatus } = (await hub.api().get('/api/v1/apps/a').expect(200)).body;
    expect(renderStatus).toMatchObject({ renderer: 'plain', file: 'apps/a/broken.yaml', clusters: ['eu-1', 'us-1'] });
    expect(renderStatus.message).toContain('apps/a/broken.yaml');
    expect(metricValue(await scrapeMetrics(`${hub.httpUrl}/metrics`), 'flotilla_apps_render_failed', { app: 'a' })).toBe(1);
    expect(await generations('a')).toEqual(before);
    expect(latestAssignment('eu-1', 'a')?.artifact?.digest).toBe(digest);
    await vi.waitFor(() => expect(events.filter((e) => e.status?.errors[0]?.code === 'RENDER_FAILED').map((e) => e.status?.cluster).sort()).toEqual(['eu-1', 'us-1']), { timeout: 5000 });
    expect(events.find((e) => e.status?.errors[0]?.code === 'RENDER_FAILED')?.status?.errors[0]).toMatchObject({ file: 'apps/a/broken.yaml', message: renderStatus.message });
    call.cancel();
    client.close();
    // b renders fine at the same commit.
    expect((await hub.api().get('/api/v1/apps/b').expect(200)).body.renderStatus.state).toBe('Rendered');

    await push({ 'apps/a/broken.yaml': null });
    await vi.waitFor(async () => expect((await hub.api().get('/api/v1/apps/a').expect(200)).body.renderStatus?.state).toBe('Rendered'), { timeout: 10_000, interval: 100 });
    expect(metricValue(await scrapeMetrics(`${hub.httpUrl}/metrics`), 'flotilla_apps_render_failed', { app: 'a' })).toBeUndefined();
  });

  it('a rollback assigns the artifact of the revision it returns to again', async () => {
    const first = (await hub.api().get('/api/v1/apps/a/history').query({ cluster: 'eu-1', limit: 100 }).expect(200)).body.items.at(-1);
    expect(first.revision).toBe(`main@sha1:${firstCommit}`);
    const original = agents['eu-1'].received.find((m) => m.assignment?.app === 'a')?.assignment?.artifact?.digest;
    await hub.api().post('/api/v1/apps/a/rollback').send({ revision: firstCommit, cluster: 'eu-1' }).expect(201);
    await vi.waitFor(() => expect(latestAssignment('eu-1', 'a')?.artifact?.digest).toBe(original), { timeout: 10_000, interval: 100 });
    const chunks = await TestAgent.fetchArtifact(hub.grpcAddress, credentials['eu-1'], original as string);
    expect(decodeArtifact(Buffer.concat(chunks), original).objects[0]?.object.data).toMatchObject({ version: '1' });
  });

  it('collects artifacts nothing names once unused, and keeps those assignments and history name', async () => {
    const artifacts = hub.app.get(ArtifactsService, { strict: false });
    const orphan = await artifacts.put(encodeArtifact({ objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan' } }, source: { file: 'x.yaml', line: 1 } }] }));
    const inHistory = agents['eu-1'].received.find((m) => m.assignment?.app === 'a')?.assignment?.artifact?.digest as string;
    const assigned = (['eu-1', 'us-1', 'dev-1'] as const).flatMap((cluster) => ['a', 'b', 'big', 'k'].map((app) => latestAssignment(cluster, app)?.artifact?.digest)).filter((d): d is string => d !== undefined);
    // Not unused for long enough yet: kept.
    await artifacts.collect(new Date(Date.now() - 60_000));
    expect(await artifacts.has(orphan.digest)).toBe(true);
    expect(await artifacts.collect(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await artifacts.has(orphan.digest)).toBe(false);
    for (const digest of [inHistory, ...assigned]) expect(await artifacts.has(digest), digest).toBe(true);
  });
});
