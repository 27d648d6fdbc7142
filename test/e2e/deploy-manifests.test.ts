import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type ControlPlane, ensureHelm, ensureKubernetesBinaries, startControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const charts = join(root, 'deploy/charts');
const manifests = join(root, 'deploy/manifests');

describe('deploy: Helm charts and the plain manifests rendered from them', () => {
  let helm: string;
  let kubectl: string;
  let plane: ControlPlane;
  let scratch: string;

  beforeAll(async () => {
    [helm, kubectl, plane, scratch] = await Promise.all([
      ensureHelm().then((h) => h.path),
      ensureKubernetesBinaries().then((b) => b.kubectl),
      startControlPlane({ name: 'deploy' }),
      mkdtemp(join(tmpdir(), 'flotilla-deploy-test-')),
    ]);
  });
  afterAll(async () => {
    await plane?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const kube = (args: string[], input?: string) => {
    const child = run(kubectl, ['--kubeconfig', plane.kubeconfigPath, ...args], { encoding: 'utf8' });
    if (input !== undefined) child.child.stdin?.end(input);
    return child;
  };
  const template = async (chart: string, namespace: string, sets: string[]) =>
    (await run(helm, ['template', chart, join(charts, chart), '--namespace', namespace, ...sets.flatMap((s) => ['--set', s])], { encoding: 'utf8' })).stdout;

  it('lints both charts', async () => {
    await run(helm, ['lint', '--strict', join(charts, 'flotilla-hub')]);
    await run(helm, ['lint', '--strict', join(charts, 'flotilla-agent'), '--set', 'clusterName=eu-1,credential.token=a-join-token']);
  });

  it('commits the plain manifests exactly as the charts render them (deploy/scripts/render-manifests.sh)', async () => {
    const out = join(scratch, 'rendered');
    await run('bash', [join(root, 'deploy/scripts/render-manifests.sh'), out], { env: { ...process.env, FLOTILLA_HELM: helm } });
    for (const file of ['hub.yaml', 'agent.yaml']) {
      expect(await readFile(join(out, file), 'utf8'), `deploy/manifests/${file} is stale: run deploy/scripts/render-manifests.sh`).toBe(
        await readFile(join(manifests, file), 'utf8'),
      );
    }
  });

  it('applies the hub and agent manifests to a real API server with a server-side dry-run', async () => {
    // A dry-run cannot place objects in a namespace that does not exist yet; the Namespace objects are in the files.
    await kube(['create', 'namespace', 'flotilla']);
    await kube(['create', 'namespace', 'flotilla-system']);
    for (const file of ['hub.yaml', 'agent.yaml']) {
      const { stdout } = await kube(['apply', '--server-side', '--dry-run=server', '--field-manager=flotilla-test', '-f', join(manifests, file)]);
      expect(stdout).toMatch(/deployment\.apps\/flotilla-(hub|agent) serverside-applied \(server dry run\)/);
    }
    const kinds = (await readFile(join(manifests, 'agent.yaml'), 'utf8')).match(/^kind: \w+/gm);
    expect(kinds).toEqual(expect.arrayContaining(['kind: Namespace', 'kind: ServiceAccount', 'kind: Secret', 'kind: Role', 'kind: ClusterRole', 'kind: Deployment']));
    const hub = await readFile(join(manifests, 'hub.yaml'), 'utf8');
    expect(hub).toMatch(/name: FLOTILLA_DATABASE_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: flotilla-hub-database\n\s+key: url/);
  });

  it('renders the agent confined to namespaces, and the hub with its own database Secret, and both dry-run', async () => {
    await kube(['create', 'namespace', 'team-a']);
    const agent = await template('flotilla-agent', 'flotilla-system', [
      'clusterName=eu-1',
      'credential.token=a-join-token',
      'rbac.apply.scope=namespaces',
      'rbac.apply.namespaces={team-a}',
      'rbac.apply.clusterRules[0].apiGroups[0]=apiextensions.k8s.io',
      'rbac.apply.clusterRules[0].resources[0]=customresourcedefinitions',
      'rbac.apply.clusterRules[0].verbs={get,create,patch}',
    ]);
    expect(agent).toMatch(/kind: Role\nmetadata:\n\s+name: flotilla-agent-apply\n\s+namespace: team-a/);
    expect(agent).toContain('name: flotilla-agent-flotilla-system-apply-cluster');
    expect(agent).not.toContain('name: flotilla-agent-flotilla-system-apply\n');
    const hub = await template('flotilla-hub', 'flotilla', [
      'database.url=postgres://hub:secret@db:5432/flotilla',
      'replicaCount=1',
      'security.gitHosts.allowedHosts={git.example.com,*.corp.example}',
      'security.gitHosts.allowedAddresses={10.0.0.0/8}',
    ]);
    expect(hub).toMatch(/kind: Secret[\s\S]*url: "postgres:\/\/hub:secret@db:5432\/flotilla"/);
    expect(hub).toContain('- name: FLOTILLA_GIT_ALLOWED_HOSTS\n              value: "git.example.com,*.corp.example"');
    expect(hub).toContain('- name: FLOTILLA_GIT_ALLOWED_ADDRESSES\n              value: "10.0.0.0/8"');
    // Unset, the hub's own default (loopback, link-local and unspecified refused) applies.
    expect(hub).not.toContain('FLOTILLA_GIT_DENIED_ADDRESSES');
    expect(hub).not.toContain('kind: PodDisruptionBudget');
    for (const [name, text] of [['agent', agent], ['hub', hub]] as const) {
      const file = join(scratch, `${name}-variant.yaml`);
      await writeFile(file, text);
      await kube(['apply', '--server-side', '--dry-run=server', '--field-manager=flotilla-test', '-f', file]);
    }
  });

  it('refuses values that cannot work, saying which', async () => {
    await expect(template('flotilla-agent', 'x', [])).rejects.toMatchObject({ stderr: expect.stringContaining('set clusterName') });
    await expect(template('flotilla-agent', 'x', ['clusterName=a'])).rejects.toMatchObject({ stderr: expect.stringContaining('set credential.token (the join token) or credential.existingSecret.name') });
    await expect(template('flotilla-agent', 'x', ['clusterName=a', 'credential.token=abcdefgh', 'rbac.apply.scope=everywhere'])).rejects.toMatchObject({
      stderr: expect.stringContaining('rbac.apply.scope must be cluster or namespaces'),
    });
    await expect(template('flotilla-agent', 'x', ['clusterName=a', 'credential.token=abcdefgh', 'rbac.apply.scope=namespaces'])).rejects.toMatchObject({
      stderr: expect.stringContaining('list them in rbac.apply.namespaces'),
    });
  });
});

describe('deploy: the hub chart refuses replicas without PostgreSQL (values.schema.json)', () => {
  let helm: string;
  beforeAll(async () => {
    helm = (await ensureHelm()).path;
  });
  const template = (sets: string[]) => run(helm, ['template', 'flotilla-hub', join(charts, 'flotilla-hub'), '--namespace', 'flotilla', ...sets.flatMap((s) => ['--set', s])], { encoding: 'utf8' });

  it('refuses more than one replica on a SQLite database, naming the setting, and renders them on PostgreSQL', async () => {
    await expect(template(['replicaCount=2', 'database.url=sqlite:///var/lib/flotilla/flotilla.db'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/values don't meet the specifications of the schema[\s\S]*\/database\/url[\s\S]*sqlite:\/\/\/var\/lib\/flotilla\/flotilla\.db'? does not match pattern '\^\$\|\^postgres\(ql\)\?:\/\/'/),
    });
    expect((await template(['replicaCount=1', 'database.url=sqlite:///var/lib/flotilla/flotilla.db'])).stdout).toMatch(/replicas: 1\n/);
    expect((await template(['replicaCount=2', 'database.url=postgres://hub:secret@db:5432/flotilla'])).stdout).toMatch(/replicas: 2\n/);
    // A Secret of your own holds a postgres:// URL (the chart's default): the chart cannot read it, and renders.
    expect((await template(['replicaCount=3'])).stdout).toMatch(/replicas: 3\n/);
    await expect(template(['database.url=mysql://db/flotilla'])).rejects.toMatchObject({ stderr: expect.stringContaining('/database/url') });
  });
});
