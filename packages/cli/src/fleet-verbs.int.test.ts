import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Agent, parseAgentConfig, startAgent } from '@flotilla/agent';
import { type Hub, parseHubConfig, startHub } from '@flotilla/hub';
import { KubeClient } from '@flotilla/kube';
import { type ControlPlane, type GitCheckout, type GitServer, startControlPlanes, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './run-cli.js';
import { captureOutput } from './testing/capture-output.js';

const ADMIN_TOKEN = 'flt_admin-token-of-the-cli-fleet-tests';
const configMap = (greeting: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: ${greeting}\n`;
const REVISION = /main@sha1:[0-9a-f]{40}/;

describe('flotilla verbs that need agents, against a real hub and a real cluster', () => {
  let hub: Hub;
  let git: GitServer;
  let plane: ControlPlane;
  let agent: Agent | undefined;
  let kube: KubeClient;
  let checkout: GitCheckout;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-fleet-'));

  /** Runs the CLI against the hub, with the admin token unless `env` says otherwise. */
  const run = async (args: string[], env: Record<string, string> = { FLOTILLA_API_TOKEN: ADMIN_TOKEN }) => {
    const stdout = captureOutput();
    const stderr = captureOutput();
    const status = await runCli(['--hub', hub.httpUrl, '--grpc-address', hub.grpcAddress, ...args], { env, stdout, stderr });
    return { status, stdout: stdout.text, stderr: stderr.text };
  };
  const json = async (args: string[]) => JSON.parse((await run([...args, '-o', 'json'])).stdout);
  /** Commits a new greeting, and has the hub resolve it now; resolves to its revision. */
  const commitGreeting = async (greeting: string): Promise<string> => {
    await checkout.write('web/configmap.yaml', configMap(greeting));
    await checkout.commit(`greeting: ${greeting}`);
    await checkout.push();
    const refreshed = await run(['sources', 'refresh', 'fleet']);
    expect(refreshed.stdout).toMatch(/^source fleet moved to main@sha1:/);
    return REVISION.exec(refreshed.stdout)?.[0] as string;
  };

  beforeAll(async () => {
    const [server, planes] = await Promise.all([startGitServer(), startControlPlanes(1)]);
    git = server;
    plane = planes[0] as ControlPlane;
    await git.createRepository('fleet', { 'web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n', 'web/configmap.yaml': configMap('hello') });
    checkout = await git.checkout('fleet');
    kube = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    hub = await startHub(
      parseHubConfig({
        env: {
          FLOTILLA_DATA_DIR: join(dir, 'hub'),
          FLOTILLA_HTTP_HOST: '127.0.0.1',
          FLOTILLA_GRPC_HOST: '127.0.0.1',
          FLOTILLA_HTTP_PORT: '0',
          FLOTILLA_GRPC_PORT: '0',
          FLOTILLA_HEARTBEAT_INTERVAL_MS: '1000',
          FLOTILLA_HEARTBEAT_TIMEOUT_MS: '5000',
          FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent',
          FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN,
          // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
          FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
        },
      }),
    );
    // The cluster is registered with the CLI, and its agent starts with the join token the CLI printed.
    const created = await run(['clusters', 'create', 'eu-1', '--label', 'env=prod']);
    const joinToken = /join token \(shown only now\): (\S+)/.exec(created.stdout)?.[1] as string;
    agent = await startAgent(
      parseAgentConfig({
        env: {
          FLOTILLA_HUB_ADDRESS: hub.grpcAddress,
          FLOTILLA_CLUSTER: 'eu-1',
          FLOTILLA_TOKEN: joinToken,
          FLOTILLA_INSECURE: 'true',
          FLOTILLA_DATA_DIR: join(dir, 'agent'),
          FLOTILLA_METRICS_PORT: '0',
          FLOTILLA_DRIFT_CHECK_INTERVAL_MS: '2000',
          FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent',
        },
      }),
      { kubeConfig: plane.kubeConfig('admin'), retryDelayMs: 500 },
    );
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await plane?.stop();
    await git?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies an app on the cluster and shows what runs there', async () => {
    await expect.poll(async () => (await json(['clusters', 'get', 'eu-1'])).connected, { timeout: 30_000 }).toBe(true);
    expect((await run(['sources', 'create', 'fleet', '--url', git.repoUrl('fleet'), '--poll-interval', '3600'])).status).toBe(0);
    const created = await run(['apps', 'create', 'web', '--source', 'fleet', '--path', 'web', '--namespace', 'web', '--selector', 'env=prod', '--drift', 'report', '--wait', '--timeout', '120']);
    expect(created, created.stderr).toMatchObject({ status: 0 });
    expect(created.stdout).toMatch(/web\s+eu-1\s+main@[0-9a-f]{7}\s+main@[0-9a-f]{7}\s+Synced\s+Healthy\s+yes\s+created 2/);

    expect((await run(['status', 'web'])).stdout).toMatch(/web\s+eu-1\s+main@[0-9a-f]{7}\s+main@[0-9a-f]{7}\s+Synced\s+Healthy\s+yes/);
    const yaml = parse((await run(['status', '--cluster', 'eu-1', '-o', 'yaml'])).stdout);
    expect(yaml.items).toEqual([expect.objectContaining({ app: 'web', cluster: 'eu-1', inSync: true, applied: expect.objectContaining({ phase: 'Synced', health: 'Healthy' }) })]);
    expect((await run(['clusters'])).stdout).toMatch(/eu-1\s+true\s+env=prod\s+\S+\s+v1\.\d+/);
  });

  it('shows drift a hand edit made on the cluster', async () => {
    await kube.request({
      method: 'PATCH',
      path: '/api/v1/namespaces/web/configmaps/settings',
      body: { data: { greeting: 'edited by hand' } },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'kubectl-edit' },
    });
    await expect.poll(async () => (await run(['drift', 'web', '--cluster', 'eu-1'])).stdout, { timeout: 30_000, interval: 500 }).toContain('kubectl-edit');
    const drift = await run(['drift', 'web', '--cluster', 'eu-1']);
    expect(drift.stdout).toMatch(/^APP\s+CLUSTER\s+OBJECT\s+FIELDS\s+MANAGER\s+ACTION\s+DETECTED\nweb\s+eu-1\s+ConfigMap\/web\/settings\s+\/data\/greeting\s+kubectl-edit\s+\S+\s+\d+s\n\n/);
    // Then each field as path: desired -> live, not JSON.
    expect(drift.stdout.split('\n\n')[1]).toBe('ConfigMap/web/settings on eu-1 (app web, changed by kubectl-edit):\n  /data/greeting: "hello" -> "edited by hand"\n');
    const yaml = parse((await run(['drift', '-o', 'yaml'])).stdout);
    expect(yaml.items).toEqual([expect.objectContaining({ app: 'web', cluster: 'eu-1', manager: 'kubectl-edit', object: expect.objectContaining({ kind: 'ConfigMap', name: 'settings' }) })]);
  });

  it('shows a rollout with its wave and progress, in a table and in full', async () => {
    const revision = await commitGreeting('bonjour');
    let id = 0;
    await expect
      .poll(
        async () => {
          const rollout = (await json(['rollouts', '--app', 'web'])).items.find((r: { revision: string }) => r.revision === revision);
          id = rollout?.id;
          return rollout?.state;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe('completed');
    const table = await run(['rollouts', '--app', 'web']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+APP\s+KIND\s+REVISION\s+STATE\s+WAVE\s+UPDATED\s+FAILED\s+MESSAGE\s+AGE$/);
    expect(table.stdout).toMatch(new RegExp(`\\n${id}\\s+web\\s+\\S+\\s+main@${revision.slice(-40, -33)}\\s+completed\\s+1/1\\s+1/1\\s+0\\s+`));

    const full = await run(['rollouts', 'get', String(id)]);
    expect(full.stdout).toMatch(/Wave:?\s+1 of 1\n/);
    expect(full.stdout).toMatch(/Updated:?\s+1 of 1 clusters \(0 failed\)\n/);
    expect(full.stdout).toMatch(/\nWAVE\s+CLUSTER\s+STATE\s+FROM\s+STARTED\s+MESSAGE\n0\s+eu-1\s+succeeded\s+main@[0-9a-f]{7}\s+\d+s/);
    expect(parse((await run(['rollouts', 'get', String(id), '-o', 'yaml'])).stdout)).toMatchObject({ id, app: 'web', revision, currentWave: 0, waveCount: 1, progress: { total: 1, updated: 1 } });
  });

  it('rolls back to a revision, pins the cluster there, and unpins it', async () => {
    const [first] = (await json(['sources', 'revisions', 'fleet'])).items.slice(-1);
    const back = await run(['rollback', 'web', '--to', first.revision, '--wait', '--timeout', '120']);
    expect(back.status).toBe(0);
    expect(back.stderr).toContain(`app web is back on ${first.revision}`);
    expect(back.stdout).toMatch(/web\s+eu-1\s+main@[0-9a-f]{7} \(pinned\)\s+main@[0-9a-f]{7}\s+Synced\s+Healthy\s+yes/);

    const pins = await run(['apps', 'pins', 'web']);
    expect(pins.stdout).toMatch(new RegExp(`^CLUSTER\\s+REVISION\\s+ROLLOUT\\s+BY\\s+AGE\\neu-1\\s+main@${first.commit.slice(0, 7)}\\s+\\d+\\s+token:admin\\s+\\d+s\\n$`));
    expect(parse((await run(['apps', 'pins', 'web', '-o', 'yaml'])).stdout)).toMatchObject({ app: 'web', items: [{ cluster: 'eu-1', revision: first.revision }] });

    expect(await run(['apps', 'unpin', 'web'])).toMatchObject({ status: 0, stdout: "unpinned eu-1: they follow app web's branch again\n" });
    expect((await run(['apps', 'pins', 'web'])).stdout).toBe('no cluster of app web is pinned\n');
    expect((await json(['apps', 'unpin', 'web'])).unpinned).toEqual([]);
  });

  it('pauses, resumes and aborts a rollout', async () => {
    // A second target whose agent never comes keeps the next rollout under way.
    await run(['clusters', 'create', 'us-1', '--label', 'env=prod']);
    const revision = await commitGreeting('hola');
    let id = 0;
    await expect
      .poll(async () => (id = (await json(['rollouts', '--app', 'web', '--state', 'progressing'])).items.find((r: { revision: string }) => r.revision === revision)?.id), { timeout: 30_000, interval: 500 })
      .toBeDefined();

    expect(await run(['rollouts', 'pause', String(id), '--reason', 'waiting for us-1'])).toMatchObject({ status: 0, stdout: `rollout ${id} of app web paused: now paused\n` });
    expect((await json(['rollouts', 'get', String(id)])).state).toBe('paused');
    expect(parse((await run(['rollouts', 'resume', String(id), '-o', 'yaml'])).stdout)).toMatchObject({ id, state: 'progressing' });
    expect(await run(['rollouts', 'abort', String(id)])).toMatchObject({ status: 0, stdout: `rollout ${id} of app web aborted: now aborted\n` });
    const audit = await json(['audit', '--target', `rollout/${id}`]);
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['rollout.pause', 'rollout.resume', 'rollout.abort']));
    expect(await run(['rollouts', 'pause', '99999'])).toMatchObject({ status: 5 });
  });

  it("rotates a cluster's credential and revokes it, which disconnects the agent", async () => {
    const rotated = await run(['clusters', 'rotate-credential', 'eu-1']);
    expect(rotated).toMatchObject({ status: 0, stdout: expect.stringMatching(/^cluster eu-1: its agent was sent a new credential; the previous one works until \d{4}-\S+\n$/) });
    expect(parse((await run(['clusters', 'rotate-credential', 'eu-1', '-o', 'yaml'])).stdout)).toMatchObject({ cluster: 'eu-1', previousExpiresAt: expect.any(String) });

    const revoked = await run(['clusters', 'revoke-credential', 'eu-1']);
    expect(revoked).toMatchObject({ status: 0, stdout: 'cluster eu-1: credential and join token revoked, its agent disconnected; re-join with: flotilla clusters join-token eu-1\n' });
    await expect.poll(async () => (await json(['clusters', 'get', 'eu-1'])).connected, { timeout: 15_000 }).toBe(false);
  });
});
