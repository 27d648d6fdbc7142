import { KubeClient } from '@flotilla/kube';
import { type ControlPlane, startControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAssignment } from './assignment/agent-assignment.js';
import { parseAgentConfig } from './config/agent-config.js';
import { ArtifactStore } from './state/artifact-store.js';
import { type Agent, startAgent } from './start-agent.js';
import { type ArtifactServer, artifactOf, startArtifactServer } from './testing/artifact-server.js';

const NS = 'flotilla-system';
const settings = (version: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { version } });
const v1 = artifactOf([settings('1')], 'web/cm.yaml');
const v2 = artifactOf([settings('2')], 'web/cm.yaml');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the agent with artifacts, hub or no hub', () => {
  let plane: ControlPlane;
  let server: ArtifactServer;
  let client: KubeClient;
  const running: Agent[] = [];

  const start = async (hubAddress: string) => {
    const env = { FLOTILLA_HUB_ADDRESS: hubAddress, FLOTILLA_TOKEN: 'flc_agent-credential', FLOTILLA_CLUSTER: 'c1', FLOTILLA_INSECURE: 'true', FLOTILLA_METRICS_PORT: '0', FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent' };
    const agent = await startAgent(parseAgentConfig({ env, argv: [] }), { kubeConfig: plane.kubeConfig('admin'), retryDelayMs: 200 });
    running.push(agent);
    return agent;
  };
  const stop = async (agent: Agent) => {
    running.splice(running.indexOf(agent), 1);
    await agent.stop();
  };
  const assignment = (generation: number, revision: typeof v1): AgentAssignment => ({
    app: 'web',
    generation,
    source: { url: 'https://git.example/fleet.git', ref: 'main', commit: String(generation).repeat(40) },
    revision: `main@sha1:${String(generation).repeat(40)}`,
    path: 'web',
    variables: {},
    defaultNamespace: 'default',
    policy: { prune: true, driftMode: 'correct', healthTimeoutMs: 10_000, autoRollback: true, driftCheckIntervalMs: 1_000 },
    pinned: false,
    artifact: revision.ref,
  });
  const liveVersion = () => client.request<{ data?: { version?: string } }>({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/settings' }).then((cm) => cm.data?.version, () => undefined);
  const secretNames = async () => (await client.request<{ items: Array<{ metadata: { name: string } }> }>({ method: 'GET', path: `/api/v1/namespaces/${NS}/secrets` })).items.map((s) => s.metadata.name).sort();
  const putSecret = (name: string, labels: Record<string, string>, data: Record<string, unknown>) =>
    client.request({
      method: 'POST',
      path: `/api/v1/namespaces/${NS}/secrets`,
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name, labels }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(JSON.stringify(v)).toString('base64')])) },
    });

  beforeAll(async () => {
    [plane, server] = await Promise.all([startControlPlane(), startArtifactServer({ credential: 'flc_agent-credential' })]);
    server.serve(v1.digest, v1.bytes);
    server.serve(v2.digest, v2.bytes);
    client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
  });
  afterAll(async () => {
    for (const agent of running.splice(0)) await agent.stop();
    client?.close();
    await Promise.all([plane?.stop(), server?.stop()]);
  });

  it('deletes on start the state in which a Git-fetching agent kept the Source credentials, and nothing else', async () => {
    const credentials = { username: 'deploy', password: 'git-password' };
    const gitAssignment = { app: 'legacy', generation: 4, source: { url: 'https://git.example/fleet.git', ref: 'main', commit: 'c'.repeat(40), credentials }, revision: 'main@sha1:cc', path: 'legacy' };
    // As agents before artifacts wrote them.
    await putSecret('flotilla-assignment-legacy', { 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/assignment': 'true' }, { assignment: gitAssignment });
    await putSecret('flotilla-rollback-legacy', { 'app.kubernetes.io/managed-by': 'flotilla' }, { state: { healthy: gitAssignment } });
    await putSecret('flotilla-assignment-public', { 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/assignment': 'true' }, { assignment: { ...gitAssignment, app: 'public', source: { ...gitAssignment.source, credentials: undefined } } });
    await putSecret('someone-elses', { app: 'other' }, { password: 'keep me' });

    const agent = await start('127.0.0.1:1');
    const left = await secretNames();
    expect(left).toContain('someone-elses');
    expect(left.filter((name) => /^flotilla-(assignment|rollback)-/.test(name))).toEqual([]);
    expect(agent.reconciler.states()).toEqual([]);
    await stop(agent);
  });

  it('applies what the hub assigns from the artifact it fetches, and deletes artifacts no longer needed', async () => {
    const agent = await start(server.address);
    await agent.reconciler.assign(assignment(1, v1));
    await agent.reconciler.idle();
    expect(await liveVersion()).toBe('1');
    await agent.reconciler.assign(assignment(2, v2));
    await agent.reconciler.idle();
    expect(await liveVersion()).toBe('2');
    // v1 is neither held nor the last healthy revision any more.
    const store = new ArtifactStore(client, NS);
    expect(await waitFor('v1 to be collected', async () => ((await store.digests()).join() === v2.digest ? true : undefined))).toBe(true);
    await stop(agent);
  });

  it('restarted with no hub reachable, enforces the stored artifact and corrects drift from it', async () => {
    await server.stop();
    await client.request({ method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/settings' });
    const agent = await start(server.address);
    expect(agent.reconciler.states()).toEqual([expect.objectContaining({ app: 'web', receivedGeneration: 2, appliedGeneration: 2 })]);
    expect(await waitFor('the deleted ConfigMap to be restored', liveVersion)).toBe('2');
    await client.request({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/settings', body: { data: { version: 'edited' } }, contentType: 'application/merge-patch+json' });
    expect(await waitFor('the edit to be corrected', async () => ((await liveVersion()) === '2' ? '2' : undefined))).toBe('2');
    expect(agent.connection.isConnected).toBe(false);
  });
});
