import { InventoryStore, KubeClient, ResourceManager } from '@flotilla/kube';
import { type ControlPlane, startControlPlane } from '@flotilla/testenv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAssignment, ArtifactRef } from '../assignment/agent-assignment.js';
import type { ReconcileReport } from '../assignment/reconcile-report.js';
import { DriftMonitor } from '../drift/drift-monitor.js';
import { ArtifactStore } from '../state/artifact-store.js';
import { type ArtifactServer, artifactOf, startArtifactServer } from '../testing/artifact-server.js';
import { HubConnection } from '../wire/hub-connection.js';
import { reconcileApp, type ReconcileContext } from './reconcile-app.js';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

describe('reconcileApp applies the artifact its assignment names', () => {
  let plane: ControlPlane;
  let server: ArtifactServer;
  let connection: HubConnection;
  let client: KubeClient;
  let context: ReconcileContext;
  let store: ArtifactStore;
  const reports: ReconcileReport[] = [];

  const assignment = (app: string, artifact: ArtifactRef | undefined): AgentAssignment => ({
    app,
    generation: 1,
    source: { url: 'https://git.example/fleet.git', ref: 'main', commit: 'a'.repeat(40) },
    revision: `main@sha1:${'a'.repeat(40)}`,
    path: app,
    variables: {},
    defaultNamespace: 'apps',
    policy: { prune: true, driftMode: 'report', healthTimeoutMs: 5_000, autoRollback: false, driftCheckIntervalMs: 0 },
    pinned: false,
    ...(artifact ? { artifact } : {}),
  });
  const run = (target: AgentAssignment) => reconcileApp(context, target, new AbortController().signal);
  const exists = (path: string) => client.request({ method: 'GET', path }).then(() => true, () => false);

  beforeAll(async () => {
    [plane, server] = await Promise.all([startControlPlane(), startArtifactServer({ credential: 'flc_agent' })]);
    connection = new HubConnection({ address: server.address, credential: 'flc_agent', logger: pino({ level: 'silent' }), handlers: { hello: () => ({ cluster: 'c', agentVersion: 't', kubernetesVersion: '', assignments: [], capabilities: [] }), onMessage: () => undefined } });
    client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } } });
    store = new ArtifactStore(client, 'flotilla-system');
    context = {
      manager: new ResourceManager({ client }),
      inventories: new InventoryStore({ client }),
      artifacts: { store, fetch: (ref, signal) => connection.fetchArtifact(ref, signal) },
      logger: pino({ level: 'silent' }),
      report: (report) => reports.push(report),
    };
  });
  afterAll(async () => {
    client?.close();
    await connection?.stop();
    await Promise.all([plane?.stop(), server?.stop()]);
  });

  it('fetches it once, keeps it, and applies it with namespaces settled by the cluster', async () => {
    const web = artifactOf([
      { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', namespace: 'wrongly-set' } }, source: { file: 'web/namespace.yaml', line: 1 } },
      { object: crd, source: { file: 'web/crd.yaml', line: 1 } },
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } }, source: { file: 'web/cm.yaml', line: 1 } },
      { object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } }, source: { file: 'web/widget.yaml', line: 4 } },
    ]);
    server.serve(web.digest, web.bytes);
    const calls = server.calls;
    const report = await run(assignment('web', web.ref));
    expect(report).toMatchObject({ phase: 'Synced', health: 'Healthy', summary: { created: 4 } });
    expect(reports.at(-2)).toMatchObject({ phase: 'Synced', health: 'Progressing' });
    expect(report.inventory.map((r) => `${r.kind}/${r.namespace}/${r.name}`).sort()).toEqual(['ConfigMap/apps/settings', 'CustomResourceDefinition//widgets.example.com', 'Namespace//apps', 'Widget/apps/w']);
    expect(await exists('/apis/example.com/v1/namespaces/apps/widgets/w')).toBe(true);
    expect(await store.load(web.ref)).toBeDefined();

    // The next reconcile (a resync, a restart) reads the kept copy: the hub is not asked again.
    expect(await run(assignment('web', web.ref))).toMatchObject({ phase: 'Synced', summary: { unchanged: 4 } });
    expect(server.calls).toBe(calls + 1);
  });

  it('refuses an artifact whose bytes do not match its digest: nothing applied, nothing kept', async () => {
    const claimed = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'claimed' } }]);
    const served = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tampered' } }]);
    server.serve(claimed.digest, served.bytes);
    const report = await run(assignment('tampered', { digest: claimed.digest, size: served.bytes.length }));
    expect(report).toMatchObject({ phase: 'Failed', errors: [{ code: 'INVALID_ARTIFACT', message: expect.stringContaining(`its bytes hash to ${served.digest}`) }] });
    expect(await exists('/api/v1/namespaces/apps/configmaps/tampered')).toBe(false);
    expect(await context.inventories.load('tampered')).toBeUndefined();
    expect(await store.digests()).not.toContain(claimed.digest);
  });

  it('names the object and the file and line it came from when the dry-run refuses it, and applies nothing', async () => {
    const bad = artifactOf([
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fine' }, data: { a: '1' } }, source: { file: 'api/fine.yaml', line: 1 } },
      { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { ports: [{ port: 700000 }] } }, source: { file: 'api/service.yaml', line: 12 } },
    ]);
    server.serve(bad.digest, bad.bytes);
    const report = await run(assignment('api', bad.ref));
    expect(report.phase).toBe('Failed');
    expect(report.errors[0]).toMatchObject({ code: 'DRY_RUN_FAILED', message: expect.stringContaining('Service/apps/api'), file: 'api/service.yaml', line: 12 });
    expect(await exists('/api/v1/namespaces/apps/configmaps/fine')).toBe(false);
  });

  it('undoes every write when the API server refuses one after its dry-run passed, and reports the object and its file', async () => {
    // A quota of two ConfigMaps: each new one passes its dry-run alone, only one more fits once both are written. (No
    // quota controller runs here: its status is written as the controller would; admission keeps it after that.)
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'limited' } } });
    const quotaPath = '/api/v1/namespaces/limited/resourcequotas/two';
    await client.request({ method: 'POST', path: '/api/v1/namespaces/limited/resourcequotas', body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'two' }, spec: { hard: { configmaps: '2' } } } });
    const quota = await client.request<Record<string, unknown>>({ method: 'GET', path: quotaPath });
    await client.request({ method: 'PUT', path: `${quotaPath}/status`, body: { ...quota, status: { hard: { configmaps: '2' }, used: { configmaps: '0' } } } });
    const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'limited' }, data });
    const first = artifactOf([{ object: cm('kept', { version: '1' }), source: { file: 'limited/kept.yaml', line: 1 } }]);
    const second = artifactOf([
      { object: cm('kept', { version: '2' }), source: { file: 'limited/kept.yaml', line: 1 } },
      { object: cm('a', { n: '1' }), source: { file: 'limited/a.yaml', line: 3 } },
      { object: cm('b', { n: '2' }), source: { file: 'limited/b.yaml', line: 5 } },
    ]);
    server.serve(first.digest, first.bytes);
    server.serve(second.digest, second.bytes);
    expect(await run(assignment('limited', first.ref))).toMatchObject({ phase: 'Synced', summary: { created: 1 } });

    const report = await run({ ...assignment('limited', second.ref), generation: 2 });
    expect(report).toMatchObject({ phase: 'Failed', health: 'Unknown', changes: [] });
    const [error] = report.errors;
    expect(error?.code).toBe('APPLY_FAILED');
    expect(error?.message).toMatch(/^ConfigMap\/limited\/(a|b) apply failed after its dry-run passed: .*exceeded quota: two.*; nothing is left applied \(/);
    expect(error?.file).toBe(error?.message.startsWith('ConfigMap/limited/a') ? 'limited/a.yaml' : 'limited/b.yaml');
    // The cluster is as the first revision left it, and so is the record of what is applied.
    expect(await exists('/api/v1/namespaces/limited/configmaps/a')).toBe(false);
    expect(await exists('/api/v1/namespaces/limited/configmaps/b')).toBe(false);
    expect((await client.request<{ data: unknown }>({ method: 'GET', path: '/api/v1/namespaces/limited/configmaps/kept' })).data).toEqual({ version: '1' });
    expect(await context.inventories.load('limited')).toMatchObject({ generation: 1, inventory: [{ kind: 'ConfigMap', namespace: 'limited', name: 'kept' }] });
  });

  it('reports nothing for a reconcile cut short (by a newer generation or a removal, which report for themselves)', async () => {
    const cut = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cut-short' } }]);
    server.serve(cut.digest, cut.bytes);
    const controller = new AbortController();
    controller.abort(new Error('a newer generation arrived'));
    const before = reports.length;
    await expect(reconcileApp(context, assignment('cut', cut.ref), controller.signal)).rejects.toThrow();
    expect(reports.length).toBe(before);
    expect(await exists('/api/v1/namespaces/apps/configmaps/cut-short')).toBe(false);
  });

  it('refuses two objects that become one once namespaces are settled, naming both files', async () => {
    const twice = artifactOf([
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' } }, source: { file: 'dup/a.yaml', line: 1 } },
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice', namespace: 'apps' } }, source: { file: 'dup/b.yaml', line: 3 } },
    ]);
    server.serve(twice.digest, twice.bytes);
    const report = await run(assignment('dup', twice.ref));
    expect(report).toMatchObject({ phase: 'Failed', errors: [{ code: 'DUPLICATE_OBJECT', file: 'dup/b.yaml', line: 3, message: 'ConfigMap/apps/twice is declared twice: in dup/a.yaml:1 and dup/b.yaml:3' }] });
  });

  it('creates the namespaces its objects are in when the policy says so, labelled as Flotilla’s and kept out of its inventory', async () => {
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'provided' } } });
    const shop = artifactOf([
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } }, source: { file: 'shop/cm.yaml', line: 1 } },
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cache', namespace: 'shop-cache' } }, source: { file: 'shop/cache.yaml', line: 1 } },
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'provided' } }, source: { file: 'shop/provided.yaml', line: 1 } },
    ]);
    server.serve(shop.digest, shop.bytes);
    const target = assignment('shop', shop.ref);
    const report = await run({ ...target, defaultNamespace: 'shop', policy: { ...target.policy, createNamespace: true } });
    expect(report).toMatchObject({ phase: 'Synced', health: 'Healthy', summary: { created: 5 } });
    expect(report.changes.filter((c) => c.ref.kind === 'Namespace').map((c) => [c.ref.name, c.action])).toEqual([
      ['shop', 'created'],
      ['shop-cache', 'created'],
    ]);
    const labels = async (name: string) => (await client.request<{ metadata: { labels?: Record<string, string> } }>({ method: 'GET', path: `/api/v1/namespaces/${name}` })).metadata.labels ?? {};
    for (const name of ['shop', 'shop-cache']) expect(await labels(name)).toMatchObject({ 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/app': 'shop' });
    // A namespace that was there is left as it is.
    expect(await labels('provided')).not.toHaveProperty('flotilla.dev/app');
    expect(await exists('/api/v1/namespaces/shop-cache/configmaps/cache')).toBe(true);
    // Not the App's objects: never pruned with it.
    expect(report.inventory.map((r) => `${r.kind}/${r.namespace}/${r.name}`).sort()).toEqual(['ConfigMap/provided/elsewhere', 'ConfigMap/shop-cache/cache', 'ConfigMap/shop/settings']);
  });

  it('without that policy, refuses objects in a missing namespace and creates nothing', async () => {
    const lost = artifactOf([{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lost' } }, source: { file: 'lost/cm.yaml', line: 2 } }]);
    server.serve(lost.digest, lost.bytes);
    const report = await run({ ...assignment('lost', lost.ref), defaultNamespace: 'nowhere' });
    expect(report).toMatchObject({ phase: 'Failed', errors: [{ message: expect.stringContaining('ConfigMap/nowhere/lost'), file: 'lost/cm.yaml' }] });
    expect(await exists('/api/v1/namespaces/nowhere')).toBe(false);
  });

  it('on a resync of a generation applied before, applies nothing, checks health once without waiting, and says so', async () => {
    const drift = new DriftMonitor({ manager: context.manager, logger: context.logger, report: () => undefined });
    try {
      // A Deployment stays Progressing here: no controller runs on this plane.
      const quiet = artifactOf([
        {
          object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'quiet' }, spec: { selector: { matchLabels: { app: 'quiet' } }, template: { metadata: { labels: { app: 'quiet' } }, spec: { containers: [{ name: 'c', image: 'registry.example/quiet:1' }] } } } },
          source: { file: 'quiet/deployment.yaml', line: 1 },
        },
      ]);
      server.serve(quiet.digest, quiet.bytes);
      const target = assignment('quiet', quiet.ref);
      const withDrift = { ...context, drift };
      const first = await reconcileApp(withDrift, { ...target, policy: { ...target.policy, healthTimeoutMs: 1_500 } }, new AbortController().signal);
      expect(first).toMatchObject({ phase: 'Synced', health: 'Degraded', summary: { created: 1 } });
      expect(first.nothingApplied).toBeUndefined();

      const reported = reports.length;
      const resync = await reconcileApp(withDrift, { ...target, policy: { ...target.policy, healthTimeoutMs: 1_500 } }, new AbortController().signal);
      expect(resync).toMatchObject({ phase: 'Synced', health: 'Progressing', nothingApplied: true, changes: [], errors: [] });
      expect(resync.durationMs).toBeLessThan(1_500);
      // One report, not a Progressing one followed by another after a health wait.
      expect(reports.length).toBe(reported + 1);
      expect(resync.inventory.map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toEqual(['Deployment/apps/quiet']);
    } finally {
      await drift.stop();
    }
  });

  it('says so when the assignment names no artifact (a hub that does not render) or the hub is away', async () => {
    expect((await run(assignment('old-hub', undefined))).errors[0]).toMatchObject({ code: 'ARTIFACT_MISSING', message: expect.stringContaining('fetches no Git') });
    const unknown = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'never-served' } }]);
    expect((await run(assignment('unknown', unknown.ref))).errors[0]).toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
    const away = new HubConnection({ address: '127.0.0.1:1', credential: 'flc_agent', logger: context.logger, handlers: { hello: () => ({ cluster: 'c', agentVersion: 't', kubernetesVersion: '', assignments: [], capabilities: [] }), onMessage: () => undefined } });
    const report = await reconcileApp({ ...context, artifacts: { store, fetch: (ref, signal) => away.fetchArtifact(ref, signal) } }, assignment('away', unknown.ref), new AbortController().signal);
    await away.stop();
    expect(report).toMatchObject({ phase: 'Failed', errors: [{ code: 'ARTIFACT_UNAVAILABLE' }] });
    expect(await exists('/api/v1/namespaces/apps/configmaps/never-served')).toBe(false);
  });
  it('writes the inventory once, healthy revision included, when the apply leaves every object healthy', async () => {
    const writes: string[] = [];
    const logged = new KubeClient({
      kubeConfig: plane.kubeConfig('admin'),
      hooks: [{ pre: (request) => void (request.method === 'PATCH' && request.url.searchParams.get('dryRun') === null && writes.push(request.url.pathname)) }],
    });
    const once: ReconcileContext = { ...context, manager: new ResourceManager({ client: logged }), inventories: new InventoryStore({ client: logged }) };
    try {
      const app = artifactOf([
        { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'once' } }, source: { file: 'once/namespace.yaml', line: 1 } },
        { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'once' }, data: { a: '1' } }, source: { file: 'once/cm.yaml', line: 1 } },
      ]);
      server.serve(app.digest, app.bytes);
      const target = { ...assignment('once', app.ref), defaultNamespace: 'once' };
      expect(await reconcileApp(once, target, new AbortController().signal)).toMatchObject({ phase: 'Synced', health: 'Healthy' });
      expect(writes.filter((path) => path.startsWith('/api/v1/namespaces/flotilla-system/configmaps/'))).toHaveLength(1);
      expect((await once.inventories.load('once'))?.fields).toMatchObject({ healthyRevision: target.revision });
    } finally {
      logged.close();
    }
  });
});
