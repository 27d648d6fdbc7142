import { InventoryStore, KubeClient, ResourceManager } from '@flotilla/kube';
import { brokenImage, type ControlPlane, startControlPlane } from '@flotilla/testenv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import type { ReconcileReport } from '../assignment/reconcile-report.js';
import { AutoRollback, isRevisionFailure, type ReconcileFunction } from '../rollback/auto-rollback.js';
import { RollbackStore } from '../rollback/rollback-store.js';
import { ArtifactStore } from '../state/artifact-store.js';
import { type ArtifactServer, artifactOf, startArtifactServer } from '../testing/artifact-server.js';
import { HubConnection } from '../wire/hub-connection.js';
import { reconcileApp, type ReconcileContext } from './reconcile-app.js';

const configMap = (version: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { version } });
const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } },
  },
});
/**
 * Revision 1 (a Deployment whose Pods go Ready) and revision 2 (version 2, the same Deployment on a broken image whose
 * Pods crash-loop on the plane's simulated Nodes, so its rollout never completes), as the hub renders them.
 */
const good = artifactOf([{ object: configMap('1'), source: { file: 'web/cm.yaml', line: 1 } }, { object: deployment('registry.example/api:1'), source: { file: 'web/deployment.yaml', line: 1 } }]);
const bad = artifactOf([{ object: configMap('2'), source: { file: 'web/cm.yaml', line: 1 } }, { object: deployment(brokenImage('registry.example/api:1')), source: { file: 'web/deployment.yaml', line: 1 } }]);

// The plane runs workloads (controllers, a scheduler, KWOK's simulated Nodes): health comes from the Deployment
// controller about Pods that really run, or crash-loop.
describe('automatic rollback on the agent', () => {
  let plane: ControlPlane;
  let server: ArtifactServer;
  let connection: HubConnection;
  let client: KubeClient;
  let context: ReconcileContext;
  let store: RollbackStore;
  const reports: ReconcileReport[] = [];
  const logger = pino({ level: 'silent' });
  const commits = new Map([[good.digest, '1'.repeat(40)], [bad.digest, '2'.repeat(40)]]);

  const assignment = (generation: number, revision: typeof good, autoRollback = true): AgentAssignment => ({
    app: 'web',
    generation,
    source: { url: 'https://git.example/fleet.git', ref: 'main', commit: commits.get(revision.digest) ?? '' },
    revision: `main@sha1:${commits.get(revision.digest) ?? ''}`,
    artifact: revision.ref,
    path: 'web',
    variables: {},
    defaultNamespace: 'default',
    policy: { prune: true, driftMode: 'report', healthTimeoutMs: 8_000, autoRollback, driftCheckIntervalMs: 0 },
    pinned: false,
  });
  const live = async () => {
    const settings = await client.request<{ data: { version: string } }>({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/settings' });
    const api = await client.request<{ spec: { template: { spec: { containers: { image: string }[] } } } }>({ method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments/api' });
    return { version: settings.data.version, image: api.spec.template.spec.containers[0]?.image };
  };
  // The reconciler's reconcile function: reconcileApp, its reports relabelled on their way out.
  const reconcile: ReconcileFunction = (target, signal, relabel = (r) => r) => reconcileApp({ ...context, report: (r) => context.report(relabel(r)) }, target, signal);
  const run = (rollback: AutoRollback, target: AgentAssignment) => rollback.reconcile(reconcile, target, new AbortController().signal);

  beforeAll(async () => {
    [plane, server] = await Promise.all([startControlPlane({ name: 'agent-rollback', workloads: true }), startArtifactServer({ credential: 'flc_agent' })]);
    server.serve(good.digest, good.bytes);
    server.serve(bad.digest, bad.bytes);
    connection = new HubConnection({ address: server.address, credential: 'flc_agent', logger, handlers: { hello: () => ({ cluster: 'c', agentVersion: 't', kubernetesVersion: '', assignments: [], capabilities: [] }), onMessage: () => undefined } });
    client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } } });
    store = new RollbackStore(client, 'flotilla-system');
    context = {
      manager: new ResourceManager({ client }),
      inventories: new InventoryStore({ client }),
      artifacts: { store: new ArtifactStore(client, 'flotilla-system'), fetch: (ref, signal) => connection.fetchArtifact(ref, signal) },
      logger,
      report: (report) => reports.push(report),
    };
  });
  afterAll(async () => {
    client?.close();
    await connection?.stop();
    await Promise.all([plane?.stop(), server?.stop()]);
  });

  it('returns the cluster to the last healthy revision when the health of a new one times out, and says so', async () => {
    const rollback = new AutoRollback({ store, logger });
    expect(await run(rollback, assignment(1, good))).toMatchObject({ phase: 'Synced', health: 'Healthy' });
    reports.length = 0;

    const report = await run(rollback, assignment(2, bad));
    expect(report).toMatchObject({
      phase: 'RolledBack',
      health: 'Healthy',
      generation: 2,
      revision: `main@sha1:${'1'.repeat(40)}`,
      rollback: { failedRevision: `main@sha1:${'2'.repeat(40)}`, restoredRevision: `main@sha1:${'1'.repeat(40)}`, reason: { code: 'HEALTH_TIMEOUT', file: 'web/deployment.yaml', line: 1 } },
    });
    expect(report.changes.find((c) => c.ref.kind === 'Deployment')).toMatchObject({ action: 'configured' });
    expect(await live()).toEqual({ version: '1', image: 'registry.example/api:1' });
    expect(reports.map((r) => `${r.phase}/${r.health}`)).toEqual(['Synced/Progressing', 'Synced/Degraded', 'RolledBack/Progressing', 'RolledBack/Healthy']);
    // The last healthy artifact is what a rollback returns to: it must stay stored while generation 2 is held.
    expect(await rollback.retainedArtifacts(['web'])).toEqual([good.digest]);
  });

  it('does not apply the failed generation again, even after a restart, until a newer one arrives', async () => {
    reports.length = 0;
    const restarted = new AutoRollback({ store: new RollbackStore(client, 'flotilla-system'), logger });
    const report = await run(restarted, assignment(2, bad));
    expect(report).toMatchObject({ phase: 'RolledBack', revision: `main@sha1:${'1'.repeat(40)}` });
    expect(report.changes.map((c) => `${c.ref.kind}:${c.action}`)).toEqual(['ConfigMap:unchanged', 'Deployment:unchanged']);
    expect(reports.every((r) => r.phase === 'RolledBack')).toBe(true);
    expect(await live()).toEqual({ version: '1', image: 'registry.example/api:1' });

    expect(await run(restarted, assignment(3, good))).toMatchObject({ phase: 'Synced', health: 'Healthy', generation: 3 });
    expect(await store.load('web')).toEqual({ healthy: expect.objectContaining({ generation: 3 }) });
  });

  it('leaves a failed revision in place when the policy does not allow rollback', async () => {
    const rollback = new AutoRollback({ store, logger });
    const report = await run(rollback, assignment(4, bad, false));
    expect(report).toMatchObject({ phase: 'Synced', health: 'Degraded', revision: `main@sha1:${'2'.repeat(40)}` });
    expect(report.rollback).toBeUndefined();
    expect(await live()).toEqual({ version: '2', image: 'registry.example/api:broken' });
  });

  it('does not roll back for failures that say nothing about the revision', () => {
    expect(isRevisionFailure({ phase: 'Failed', health: 'Unknown', errors: [{ code: 'ARTIFACT_UNAVAILABLE', message: 'connection refused' }] })).toBe(false);
    expect(isRevisionFailure({ phase: 'Failed', health: 'Unknown', errors: [{ code: 'INVALID_ARTIFACT', message: 'its bytes hash to …' }] })).toBe(false);
    expect(isRevisionFailure({ phase: 'Failed', health: 'Unknown', errors: [{ code: 'UNAVAILABLE', message: 'API server unreachable' }] })).toBe(false);
    expect(isRevisionFailure({ phase: 'Failed', health: 'Unknown', errors: [{ code: 'DRY_RUN_FAILED', message: 'Deployment/default/api dry-run failed' }] })).toBe(true);
    expect(isRevisionFailure({ phase: 'Synced', health: 'Progressing', errors: [] })).toBe(false);
  });
});
