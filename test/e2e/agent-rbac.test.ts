import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Agent, parseAgentConfig, startAgent } from '@flotilla/agent';
import { HubClient } from '@flotilla/cli';
import { type Kubeconfig } from '@flotilla/kube';
import { type Hub, parseHubConfig, startHub } from '@flotilla/hub';
import { type ControlPlane, ensureHelm, ensureKubernetesBinaries, type GitServer, startControlPlane, startGitServer } from '@flotilla/testenv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, tokenKubeconfig } from './support/agent-process.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const logLevel = process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent';
const ADMIN_TOKEN = 'flt_admin-token-of-the-rbac-test';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { size: { type: integer } } }
`;
const deployment = (namespace: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: ${namespace} }
spec:
  # Paused: no controller runs in the test control plane, and a paused Deployment is not waited for.
  paused: true
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: registry.example/api:1 }] }
`;

/** A revision with a Namespace, a ConfigMap, a Deployment, a CRD and a custom resource of it. */
const PLATFORM_FILES: Record<string, string> = {
  'platform/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: rbac-demo }\n',
  'platform/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: rbac-demo }\ndata: { mode: strict }\n',
  'platform/deployment.yaml': deployment('rbac-demo'),
  'platform/crd.yaml': CRD,
  'platform/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: gadget, namespace: rbac-demo }\nspec: { size: 3 }\n',
  'team/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: team-a }\ndata: { mode: team }\n',
  'team/deployment.yaml': deployment('team-a'),
  'minimal/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: team-b }\ndata: { mode: minimal }\n',
  'forbidden/serviceaccount.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: sneaky, namespace: team-a }\n',
};

/**
 * The agent's RBAC from deploy/: installed into a real API server, a token minted for its ServiceAccount (TokenRequest),
 * and the real agent run with nothing but that token, to prove the rules cover everything it does and refuse what
 * they should.
 */
describe('agent RBAC from deploy/ against a real API server', () => {
  let plane: ControlPlane;
  let git: GitServer;
  let hub: Hub;
  let api: HubClient;
  let kubectl: string;
  let helm: string;
  let scratch: string;
  const agents: Agent[] = [];

  const admin = (args: string[]) => run(kubectl, ['--kubeconfig', plane.kubeconfigPath, ...args], { encoding: 'utf8' });
  /** kubectl as the ServiceAccount, with only its token: resolves to stdout, or to the error text when refused. */
  const as = (token: string, args: string[]) =>
    run(kubectl, ['--server', plane.server, '--certificate-authority', plane.caCertPath, '--token', token, ...args], { encoding: 'utf8' }).then(
      (r) => r.stdout,
      (e: { stderr: string }) => `REFUSED ${e.stderr}`,
    );

  /** TokenRequest: POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token, as the kubelet would for a pod. */
  async function mintToken(namespace: string, serviceAccount: string): Promise<string> {
    const request = join(scratch, `token-request-${namespace}.json`);
    await writeFile(request, JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }));
    const { stdout } = await admin(['create', '--raw', `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, '-f', request]);
    return (JSON.parse(stdout) as { status: { token: string } }).status.token;
  }

  async function startAgentAs(cluster: string, token: string, stateNamespace: string): Promise<Agent> {
    const kubeConfig: Kubeconfig = {
      clusters: [{ name: 'plane', server: plane.server, caData: plane.caData }],
      users: [{ name: cluster, token }],
      contexts: [{ name: cluster, cluster: 'plane', user: cluster }],
      currentContext: cluster,
    };
    const { joinToken } = await api.createCluster({ name: cluster, labels: {} });
    const agent = await startAgent(
      parseAgentConfig({
        env: {
          FLOTILLA_HUB_ADDRESS: hub.grpcAddress,
          FLOTILLA_CLUSTER: cluster,
          FLOTILLA_TOKEN: joinToken,
          // The test hub's gRPC is plaintext on loopback; RBAC is what this suite is about.
          FLOTILLA_INSECURE: 'true',
          FLOTILLA_STATE_NAMESPACE: stateNamespace,
          FLOTILLA_DATA_DIR: join(scratch, cluster),
          FLOTILLA_METRICS_PORT: '0',
          FLOTILLA_LOG_LEVEL: logLevel,
        },
      }),
      { kubeConfig, logger: pino({ level: logLevel, base: { cluster } }), retryDelayMs: 500 },
    );
    agents.push(agent);
    return agent;
  }

  async function waitForApp(app: string, revision: string, phase = 'Synced') {
    await expect
      .poll(async () => (await api.getAppStatus(app)).items[0]?.applied, { timeout: 60_000, interval: 250 })
      .toMatchObject({ revision, phase, ...(phase === 'Synced' ? { health: 'Healthy' } : {}) });
    return (await api.getAppStatus(app)).items[0];
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'flotilla-rbac-'));
    [plane, git, kubectl, helm] = await Promise.all([
      startControlPlane({ name: 'rbac' }),
      startGitServer(),
      ensureKubernetesBinaries().then((b) => b.kubectl),
      ensureHelm().then((h) => h.path),
    ]);
    await git.createRepository('fleet', PLATFORM_FILES);
    hub = await startHub(
      parseHubConfig({
        env: {
          FLOTILLA_DATA_DIR: join(scratch, 'hub'),
          FLOTILLA_HTTP_HOST: '127.0.0.1',
          FLOTILLA_GRPC_HOST: '127.0.0.1',
          FLOTILLA_HTTP_PORT: '0',
          FLOTILLA_GRPC_PORT: '0',
          FLOTILLA_LOG_LEVEL: logLevel,
          FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN,
          // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
          FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
        },
      }),
    );
    api = new HubClient({ url: hub.httpUrl, token: ADMIN_TOKEN });
    await api.createSource({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 });
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop().catch(() => undefined);
    await hub?.close();
    await git?.stop();
    await plane?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  describe('the default (cluster scope), installed from deploy/manifests/agent.yaml', () => {
    let token: string;

    beforeAll(async () => {
      await admin(['apply', '--server-side', '--field-manager=installer', '-f', join(root, 'deploy/manifests/agent.yaml')]);
      token = await mintToken('flotilla-system', 'flotilla-agent');
    });

    it('syncs a revision with a Namespace, a ConfigMap, a Deployment, a CRD and a custom resource, and stores its state', async () => {
      await startAgentAs('rbac-cluster', token, 'flotilla-system');
      await api.createApp({ name: 'platform', source: 'fleet', path: 'platform', targets: { clusters: ['rbac-cluster'] }, policy: { health: { timeoutSeconds: 30 } } });
      const revision = (await api.getSource('fleet')).revision as string;
      const status = await waitForApp('platform', revision);
      expect(status?.applied).toMatchObject({ objects: 5, changes: { created: 5, failed: 0 } });

      expect((await admin(['get', 'widgets.example.com', 'gadget', '-n', 'rbac-demo', '-o', 'jsonpath={.spec.size}'])).stdout).toBe('3');
      expect((await admin(['get', 'deployment', 'api', '-n', 'rbac-demo', '-o', 'name'])).stdout.trim()).toBe('deployment.apps/api');
      // Its state: the credential it joined with and the assignment (Secrets) and the inventory (a ConfigMap), in its own namespace.
      expect((await admin(['get', 'secret', 'flotilla-agent-credential', '-n', 'flotilla-system', '-o', 'name'])).stdout.trim()).toBe('secret/flotilla-agent-credential');
      expect((await admin(['get', 'secret', 'flotilla-assignment-platform', '-n', 'flotilla-system', '-o', 'name'])).stdout.trim()).toBe('secret/flotilla-assignment-platform');
      const inventory = (await admin(['get', 'configmaps', '-n', 'flotilla-system', '-l', 'flotilla.dev/inventory=true', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout;
      expect(inventory).toContain('platform');
    });

    it('prunes what leaves the revision', async () => {
      const checkout = await git.checkout('fleet');
      await checkout.remove('platform/configmap.yaml');
      await checkout.remove('platform/widget.yaml');
      const commit = await checkout.commit('Drop the settings and the widget');
      await checkout.push();
      await api.refreshSource('fleet');
      const status = await waitForApp('platform', `main@sha1:${commit}`);
      expect(status?.applied?.changes).toMatchObject({ pruned: 2, failed: 0 });
      await expect(admin(['get', 'configmap', 'settings', '-n', 'rbac-demo'])).rejects.toMatchObject({ stderr: expect.stringContaining('NotFound') });
      await expect(admin(['get', 'widgets.example.com', 'gadget', '-n', 'rbac-demo'])).rejects.toMatchObject({ stderr: expect.stringContaining('NotFound') });
    });

    it('refuses what the agent never does: update, delete a collection, impersonate, bind or escalate, non-resource URLs', async () => {
      const configMap = join(scratch, 'replace.yaml');
      await writeFile(configMap, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: replaced, namespace: rbac-demo }\ndata: { a: b }\n');
      await as(token, ['create', '-f', configMap]);
      expect(await as(token, ['replace', '-f', configMap])).toMatch(/REFUSED .*cannot update resource "configmaps"/);
      expect(await as(token, ['delete', '--raw', '/api/v1/namespaces/rbac-demo/configmaps'])).toMatch(/REFUSED .*cannot deletecollection resource "configmaps"/);
      expect(await as(token, ['get', 'namespaces', '--as', 'admin'])).toMatch(/REFUSED .*User "system:serviceaccount:flotilla-system:flotilla-agent" cannot impersonate/);
      const notHeld = /REFUSED .*attempting to grant RBAC permissions not currently held/;
      expect(await as(token, ['create', 'clusterrolebinding', 'own-the-cluster', '--clusterrole', 'cluster-admin', '--serviceaccount', 'flotilla-system:flotilla-agent'])).toMatch(notHeld);
      expect(await as(token, ['create', 'clusterrole', 'escalated', '--verb', 'get', '--non-resource-url', '/*'])).toMatch(notHeld);
      expect(await as(token, ['get', '--raw', '/metrics'])).toMatch(/REFUSED .*cannot get path "\/metrics"/);
    });
  });

  describe('narrowed to namespaces and kinds (rbac.apply.scope=namespaces)', () => {
    let token: string;

    beforeAll(async () => {
      await admin(['create', 'namespace', 'team-a']);
      const { stdout } = await run(helm, [
        'template', 'flotilla-agent', join(root, 'deploy/charts/flotilla-agent'),
        '--namespace', 'flotilla-team',
        '--set', 'namespace.create=true,clusterName=rbac-team,credential.token=unused-join-token',
        '--set', 'rbac.apply.scope=namespaces', '--set', 'rbac.apply.namespaces={team-a}',
        '--set', 'rbac.apply.rules[0].apiGroups={,apps}',
        '--set', 'rbac.apply.rules[0].resources={configmaps,secrets,services,deployments}',
        '--set', 'rbac.apply.rules[0].verbs={get,list,watch,create,patch,delete}',
      ], { encoding: 'utf8' });
      const file = join(scratch, 'agent-team.yaml');
      await writeFile(file, stdout);
      await admin(['apply', '--server-side', '--field-manager=installer', '-f', file]);
      token = await mintToken('flotilla-team', 'flotilla-agent');
    });

    it('syncs an app confined to its namespace, with its state in its own namespace', async () => {
      await startAgentAs('rbac-team', token, 'flotilla-team');
      await api.createApp({ name: 'team', source: 'fleet', path: 'team', namespace: 'team-a', targets: { clusters: ['rbac-team'] }, policy: { health: { timeoutSeconds: 30 } } });
      const revision = (await api.getSource('fleet')).revision as string;
      expect((await waitForApp('team', revision))?.applied).toMatchObject({ objects: 2, changes: { created: 2 } });
      expect((await admin(['get', 'secret', 'flotilla-assignment-team', '-n', 'flotilla-team', '-o', 'name'])).stdout.trim()).toBe('secret/flotilla-assignment-team');
    });

    it('fails a revision holding a kind outside its rules at dry-run, applying nothing of it', async () => {
      await api.createApp({ name: 'sneaky', source: 'fleet', path: 'forbidden', namespace: 'team-a', targets: { clusters: ['rbac-team'] } });
      const revision = (await api.getSource('fleet')).revision as string;
      const status = await waitForApp('sneaky', revision, 'Failed');
      expect(status?.applied?.errors[0]?.message).toMatch(/ServiceAccount\/team-a\/sneaky .*forbidden/);
      await expect(admin(['get', 'serviceaccount', 'sneaky', '-n', 'team-a'])).rejects.toMatchObject({ stderr: expect.stringContaining('NotFound') });
    });

    it('cannot read Secrets outside its namespaces, nor touch the cluster, other namespaces, pods or tokens', async () => {
      expect(await as(token, ['get', 'secrets', '-n', 'kube-system'])).toMatch(/REFUSED .*cannot list resource "secrets" .* in the namespace "kube-system"/);
      expect(await as(token, ['get', 'secret', 'flotilla-assignment-platform', '-n', 'flotilla-system'])).toMatch(/REFUSED .*cannot get resource "secrets"/);
      expect(await as(token, ['create', 'namespace', 'team-b'])).toMatch(/REFUSED .*cannot create resource "namespaces"/);
      expect(await as(token, ['create', 'configmap', 'elsewhere', '-n', 'default'])).toMatch(/REFUSED .*cannot create resource "configmaps" .* in the namespace "default"/);
      expect(await as(token, ['create', 'clusterrole', 'mine', '--verb', 'get', '--resource', 'pods'])).toMatch(/REFUSED .*cannot create resource "clusterroles"/);
      expect(await as(token, ['create', 'token', 'default', '-n', 'team-a'])).toMatch(/REFUSED .*cannot create resource "serviceaccounts\/token"/);
      expect(await as(token, ['get', 'pods', '-n', 'team-a'])).toMatch(/REFUSED .*cannot list resource "pods"/);
      // What it does hold works: the state namespace and its own kinds in team-a.
      expect(await as(token, ['get', 'configmaps', '-n', 'team-a', '-o', 'name'])).toContain('configmap/settings');
    });
  });

  describe('the documented minimum (rbac.namespaceAccess=false): its state Role and what it applies, nothing cluster-wide', () => {
    const namespace = 'flotilla-minimal';
    let token: string;
    let rendered: string;

    beforeAll(async () => {
      await admin(['create', 'namespace', 'team-b']);
      ({ stdout: rendered } = await run(helm, [
        'template', 'flotilla-agent', join(root, 'deploy/charts/flotilla-agent'),
        '--namespace', namespace,
        '--set', 'namespace.create=true,clusterName=rbac-minimal,credential.token=unused-join-token',
        '--set', 'rbac.namespaceAccess=false',
        '--set', 'rbac.apply.scope=namespaces', '--set', 'rbac.apply.namespaces={team-b}',
        '--set', 'rbac.apply.rules[0].apiGroups[0]=',
        '--set', 'rbac.apply.rules[0].resources={configmaps}',
        '--set', 'rbac.apply.rules[0].verbs={get,list,watch,create,patch,delete}',
      ], { encoding: 'utf8' }));
      const file = join(scratch, 'agent-minimal.yaml');
      await writeFile(file, rendered);
      await admin(['apply', '--server-side', '--field-manager=installer', '-f', file]);
      token = await mintToken(namespace, 'flotilla-agent');
    });

    it('starts without any right on namespaces, although its state namespace exists, and applies an app', async () => {
      expect(rendered).not.toMatch(/kind: Cluster(Role|RoleBinding)\b/);
      expect(await as(token, ['get', 'namespace', namespace])).toMatch(/REFUSED .*cannot get resource "namespaces"/);
      const agent = await startAgentAs('rbac-minimal', token, namespace);
      await api.createApp({ name: 'minimal', source: 'fleet', path: 'minimal', namespace: 'team-b', targets: { clusters: ['rbac-minimal'] }, policy: { health: { timeoutSeconds: 30 } } });
      const revision = (await api.getSource('fleet')).revision as string;
      expect((await waitForApp('minimal', revision))?.applied).toMatchObject({ objects: 1, changes: { created: 1, failed: 0 } });
      expect((await admin(['get', 'configmap', 'settings', '-n', 'team-b', '-o', 'jsonpath={.data.mode}'])).stdout).toBe('minimal');
      expect((await admin(['get', 'secret', 'flotilla-assignment-minimal', '-n', namespace, '-o', 'name'])).stdout.trim()).toBe('secret/flotilla-assignment-minimal');
      await agent.stop();
    });

    it('exits at start with one line naming the permission it lacks when its state Role is not bound, and no stack trace', async () => {
      await admin(['delete', 'rolebinding', 'flotilla-agent-state', '-n', namespace]);
      await expect.poll(() => as(token, ['get', 'secrets', '-n', namespace]), { timeout: 10_000 }).toMatch(/^REFUSED/);
      const kubeconfig = join(scratch, 'kubeconfig-minimal.json');
      await writeFile(kubeconfig, tokenKubeconfig(plane.server, plane.caCertPath, token));
      const agent = startAgentProcess({
        FLOTILLA_HUB_ADDRESS: hub.grpcAddress,
        FLOTILLA_CLUSTER: 'rbac-minimal',
        FLOTILLA_TOKEN: 'unused-join-token',
        FLOTILLA_INSECURE: 'true',
        FLOTILLA_KUBECONFIG: kubeconfig,
        FLOTILLA_STATE_NAMESPACE: namespace,
        FLOTILLA_METRICS_PORT: '0',
        FLOTILLA_LOG_LEVEL: 'silent',
      });
      const exit = await Promise.race([agent.exited, new Promise<undefined>((resolve) => setTimeout(resolve, 60_000))]);
      if (!exit) await agent.kill();
      expect(exit?.code).toBe(1);
      const lines = (exit?.stderr ?? '').split('\n').filter((line) => line.trim() !== '' && !line.includes('DeprecationWarning') && !line.includes('--trace-deprecation'));
      expect(lines).toEqual([
        `flotilla agent: cannot start: Secret/${namespace} list failed: secrets is forbidden: User "system:serviceaccount:${namespace}:flotilla-agent" cannot list resource "secrets" in API group "" in the namespace "${namespace}"; grant it to the agent's identity (deploy/README.md lists what the agent needs)`,
      ]);
      expect(exit?.stderr).not.toMatch(/^\s+at |audit-id|content-type|KubeApiError/m);
    });
  });
});
