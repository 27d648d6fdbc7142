import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from './fleet.js';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';

const files = {
  'web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
  'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web\ndata:\n  greeting: hello\n',
};

type AuditItem = { actor: string; action: string; details: { cluster: string; object: string; manager: string; corrections: number } };

// The agent runs in a child process, so it can be killed without warning: what it keeps must already be in the cluster.
describe('reports made while the hub is down survive a restart of the agent', () => {
  let fleet: Fleet;
  let kube: KubeClient;
  let agent: AgentProcess | undefined;

  const startAgent = () => startAgentProcess({ ...fleet.agentEnv('eu-1'), FLOTILLA_KUBECONFIG: (fleet.planes['eu-1'] as Fleet['planes'][string]).kubeconfigPath });
  const corrections = async (): Promise<AuditItem[]> => (await fleet.api().get('/api/v1/audit').query({ action: 'drift.correct', target: 'app/web' }).expect(200)).body.items;
  const greeting = async () => (await kube.request<{ data: { greeting: string } }>({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/settings' })).data.greeting;
  const keptReports = async () =>
    (await kube.request<{ data?: { messages?: string } }>({ method: 'GET', path: '/api/v1/namespaces/flotilla-system/secrets/flotilla-outbox' }).catch(() => ({ data: undefined }))).data?.messages ?? '';

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' } }, files });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as Fleet['planes'][string]).kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet
      .api()
      .post('/api/v1/apps')
      .send({ name: 'web', source: 'fleet', path: 'web', targets: { clusters: ['eu-1'] }, policy: { drift: { mode: 'correct' } } })
      .expect(201);
  });
  afterAll(async () => {
    await agent?.kill();
    kube?.close();
    await fleet?.stop();
  });

  it('delivers a drift correction made while the hub was down after the agent was killed and started again', async () => {
    agent = startAgent();
    await expect
      .poll(async () => ((await fleet.api().get('/api/v1/apps/web/status')).body.items?.[0] as { applied?: { phase: string } } | undefined)?.applied?.phase, { timeout: 60_000, interval: 250 })
      .toBe('Synced');

    await fleet.stopHub();
    await kube.request({ method: 'PATCH', path: '/api/v1/namespaces/web/configmaps/settings', body: { data: { greeting: 'hacked' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });
    // The agent corrects it by itself, and keeps its reports of it in the cluster within a second or so.
    await expect.poll(greeting, { timeout: 20_000 }).toBe('hello');
    await expect.poll(keptReports, { timeout: 10_000 }).not.toBe('');

    await agent.kill();
    agent = startAgent();
    await fleet.startHub();

    await expect.poll(corrections, { timeout: 60_000, interval: 500 }).toMatchObject([{ actor: 'agent:eu-1', details: { cluster: 'eu-1', object: 'ConfigMap/web/settings', manager: 'kubectl-edit', corrections: 1 } }]);
    // Confirmed by the hub, they are no longer kept: a later restart sends them no more.
    await expect.poll(keptReports, { timeout: 10_000 }).toBe('');
    const connected = async () => (await fleet.api().get('/api/v1/clusters/eu-1')).body.connected;
    await agent.kill();
    await expect.poll(connected, { timeout: 15_000 }).toBe(false);
    agent = startAgent();
    await expect.poll(connected, { timeout: 60_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await corrections()).toHaveLength(1);
    expect(await greeting()).toBe('hello');
  }, 240_000);
});
