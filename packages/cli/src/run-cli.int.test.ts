import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Hub, parseHubConfig, startHub } from '@flotilla/hub';
import { findFreePorts, type GitServer, startGitServer } from '@flotilla/testenv';
import { parse, parseAllDocuments } from 'yaml';
import { HubClient } from './client/hub-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { captureOutput } from './testing/capture-output.js';

/** Runs the CLI against a hub and returns its exit status and what it wrote. */
async function flotilla(args: string[], options: { hub?: string; grpc?: string; env?: Record<string, string>; signal?: AbortSignal } = {}) {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const global = [...(options.hub ? ['--hub', options.hub] : []), ...(options.grpc ? ['--grpc-address', options.grpc] : [])];
  const status = await runCli([...global, ...args], { env: options.env ?? {}, stdout, stderr, signal: options.signal });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

const ADMIN_TOKEN = 'flt_admin-token-of-the-cli-tests';

describe('flotilla fleet verbs against a real hub', () => {
  let hub: Hub;
  let git: GitServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
  const run = (args: string[], env: Record<string, string> = { FLOTILLA_API_TOKEN: ADMIN_TOKEN }) => flotilla(args, { hub: hub.httpUrl, grpc: hub.grpcAddress, env });

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'apps/web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n' });
    hub = await startHub(
      parseHubConfig({ env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HTTP_HOST: '127.0.0.1', FLOTILLA_GRPC_HOST: '127.0.0.1', FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'silent', FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN, FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1' } }),
    );
  });
  afterAll(async () => {
    await hub?.close();
    await git?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers a cluster, prints its join token once, and lists it in a table', async () => {
    const created = await run(['clusters', 'create', 'eu-1', '--label', 'env=prod,region=eu']);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/cluster eu-1 registered with labels env=prod,region=eu\njoin token \(shown only now\): \S{20,}/);
    expect(created.stdout).toContain(`FLOTILLA_HUB_ADDRESS=${hub.grpcAddress} FLOTILLA_CLUSTER=eu-1`);
    await run(['clusters', 'create', 'dev-1', '--label', 'env=dev']);

    const listed = await run(['clusters']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME\s+CONNECTED\s+LABELS\s+AGENT\s+KUBERNETES\s+HEARTBEAT$/);
    expect(listed.stdout).toMatch(/eu-1\s+false\s+env=prod,region=eu\s+-/);
    const prod = await run(['clusters', '--selector', 'env=prod', '-o', 'json']);
    expect(JSON.parse(prod.stdout).items.map((c: { name: string }) => c.name)).toEqual(['eu-1']);
  });

  it('adds a source and an app, and shows the app pending on its clusters', async () => {
    const source = await run(['sources', 'create', 'fleet', '--url', git.repoUrl('fleet')]);
    expect(source.status).toBe(0);
    expect(source.stdout).toMatch(/source fleet tracks .* main: main@sha1:[0-9a-f]{40}/);
    const app = await run(['apps', 'create', 'web', '--source', 'fleet', '--path', 'apps/web', '--selector', 'env in (prod,dev)', '--var', 'replicas=2', '--drift', 'correct']);
    expect(app.stdout).toContain('app web created for env In (prod,dev)');
    // Its clusters are assigned once the hub has fetched and rendered the commit.
    await expect.poll(async () => JSON.parse((await run(['status', 'web', '-o', 'json'])).stdout).items.length, { timeout: 15_000 }).toBe(2);

    const apps = await run(['apps']);
    expect(apps.stdout).toMatch(/web\s+fleet\s+apps\/web\s+env In \(prod,dev\)\s+0\/2\s+correct/);
    const status = await run(['status', 'web']);
    expect(status.stdout).toMatch(/web\s+dev-1\s+main@[0-9a-f]{7}\s+-\s+Pending/);
    expect(status.stdout).toMatch(/web\s+eu-1\s+main@[0-9a-f]{7}\s+-\s+Pending/);
    const json = JSON.parse((await run(['status', '-o', 'json'])).stdout);
    expect(json.items).toHaveLength(2);
    expect(json.items[0]).toMatchObject({ app: 'web', inSync: false, applied: null });
  });

  it('shows the objects an app applies on a cluster, as the hub rendered them: table, JSON and YAML', async () => {
    await expect.poll(async () => (await run(['apps', 'manifests', 'web', '--cluster', 'eu-1'])).status, { timeout: 15_000, interval: 200 }).toBe(0);
    const table = await run(['apps', 'manifests', 'web', '--cluster', 'eu-1']);
    expect(table.stdout.split('\n')[0]).toMatch(/^KIND\s+NAMESPACE\s+NAME\s+FROM$/);
    expect(table.stdout).toMatch(/ConfigMap\s+-\s+web\s+apps\/web\/configmap\.yaml:1\n1 objects, artifact sha256:[0-9a-f]{12} \(\d+ bytes\) of main@[0-9a-f]{7}/);
    const json = JSON.parse((await run(['apps', 'manifests', 'web', '--cluster', 'eu-1', '-o', 'json'])).stdout);
    expect(json).toMatchObject({
      app: 'web',
      cluster: 'eu-1',
      artifact: { digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } }, source: { file: 'apps/web/configmap.yaml', line: 1 } }],
    });
    expect(parse((await run(['apps', 'manifests', 'web', '--cluster', 'eu-1', '-o', 'yaml'])).stdout)).toEqual(json);
    expect((await run(['apps', 'get', 'web'])).stdout).toMatch(/Render:\s+Rendered main@[0-9a-f]{7}/);
    expect(await run(['apps', 'manifests', 'web'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--cluster NAME') });
    expect(await run(['apps', 'manifests', 'web', '--cluster', 'nowhere'])).toMatchObject({ status: 5 });
  });

  it('follows the gRPC status stream live with status --watch', async () => {
    const controller = new AbortController();
    const stdout = captureOutput();
    const watching = runCli(['--hub', hub.httpUrl, '--grpc-address', hub.grpcAddress, 'status', '--watch'], {
      env: { FLOTILLA_API_TOKEN: ADMIN_TOKEN },
      stdout,
      stderr: captureOutput(),
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text, { timeout: 5000 }).toContain('watching for changes');
    expect(stdout.text).toMatch(/APP\s+CLUSTER\s+DESIRED\s+APPLIED\s+PHASE/);
    // New labels take dev-1 out of the app's selector: the cluster changes, and the app leaves it.
    await run(['clusters', 'label', 'dev-1', 'env=test']);
    await expect.poll(() => stdout.text, { timeout: 5000 }).toMatch(/cluster\s+dev-1\s+updated/);
    await expect.poll(() => stdout.text, { timeout: 5000 }).toMatch(/assign\s+web removed from dev-1/);
    await run(['clusters', 'delete', 'dev-1']);
    await expect.poll(() => stdout.text, { timeout: 5000 }).toMatch(/cluster\s+dev-1\s+removed/);
    controller.abort();
    expect(await watching).toBe(0);
  });

  it('prints one JSON event per line with -o json --watch', async () => {
    const controller = new AbortController();
    const stdout = captureOutput();
    const watching = runCli(['--hub', hub.httpUrl, '--grpc-address', hub.grpcAddress, '--token', ADMIN_TOKEN, '-o', 'json', 'status', '--watch', '--cluster', 'eu-1'], {
      env: {},
      stdout,
      stderr: captureOutput(),
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text, { timeout: 5000 }).toContain('snapshotComplete');
    controller.abort();
    await watching;
    const events = stdout.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(events[0].clusterSnapshot).toMatchObject({ name: 'eu-1' });
    expect(events.some((e) => e.statusSnapshot?.app === 'web')).toBe(true);
  });

  it('prints one YAML document per event with -o yaml --watch', async () => {
    const controller = new AbortController();
    const stdout = captureOutput();
    const watching = runCli(['--hub', hub.httpUrl, '--grpc-address', hub.grpcAddress, '-o', 'yaml', 'status', '--watch', '--cluster', 'eu-1'], {
      env: { FLOTILLA_API_TOKEN: ADMIN_TOKEN },
      stdout,
      stderr: captureOutput(),
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text, { timeout: 5000 }).toContain('snapshotComplete');
    controller.abort();
    await watching;
    const events = parseAllDocuments(stdout.text).map((document) => document.toJS());
    expect(events[0].clusterSnapshot).toMatchObject({ name: 'eu-1' });
    expect(events.some((e) => e.snapshotComplete)).toBe(true);
  });

  it('says plainly when a name is unknown (exit 5)', async () => {
    const result = await run(['apps', 'get', 'nope']);
    expect(result).toMatchObject({ status: 5, stdout: '' });
    expect(result.stderr).toBe('flotilla: app "nope" not found\n');
  });

  it('lists drift and rollouts of this hub', async () => {
    const drift = await run(['drift']);
    expect(drift).toMatchObject({ status: 0, stdout: 'no drift\n', stderr: '' });
    const rollouts = await run(['rollouts', '-o', 'json']);
    expect(rollouts).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(rollouts.stdout).items).toEqual(expect.any(Array));
  });

  it('refuses a missing token on REST and on the status stream (exit 4)', async () => {
    expect(await run(['apps'], {})).toMatchObject({ status: 4, stderr: expect.stringContaining('pass --token or set FLOTILLA_API_TOKEN') });
    expect(await run(['status', '--watch'], {})).toMatchObject({ status: 4, stderr: expect.stringContaining('pass --token or set FLOTILLA_API_TOKEN') });
  });

  it('refuses bad usage with exit 2 and a hint', async () => {
    expect(await run(['apps', 'create', 'x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('missing --source') });
    expect(await run(['clusters', 'explode'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown "clusters" action "explode"') });
    expect(await run(['frobnicate'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown verb "frobnicate"') });
    expect(await run(['clusters', '--bogus'])).toMatchObject({ status: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(await run(['-o', 'xml', 'clusters'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--output must be table, json or yaml, got "xml"') });
  });

  it('prints any answer as YAML with -o yaml', async () => {
    const yaml = await run(['clusters', 'get', 'eu-1', '-o', 'yaml']);
    expect(yaml.status).toBe(0);
    expect(parse(yaml.stdout)).toMatchObject({ name: 'eu-1', labels: { env: 'prod', region: 'eu' }, connected: false });
    expect(parse((await run(['-o', 'yaml', 'apps'])).stdout).items).toEqual([expect.objectContaining({ name: 'web', source: 'fleet' })]);
  });

  it('sends --token, or FLOTILLA_API_TOKEN, as a bearer token and says when the hub refuses it (exit 4)', async () => {
    // The flag wins over the variable: a good flag works whatever the variable holds, a bad flag is refused.
    expect(await run(['clusters', '--token', ADMIN_TOKEN], { FLOTILLA_API_TOKEN: 'flt_ignored' })).toMatchObject({ status: 0, stderr: '' });
    const byFlag = await run(['clusters', '--token', 'flt_s3cret-flag'], { FLOTILLA_API_TOKEN: ADMIN_TOKEN });
    expect(byFlag.status).toBe(4);
    expect(byFlag.stderr).toMatch(/^flotilla: the token was refused; check it, or get a new one \(.+\)\n$/);
    expect(await run(['clusters'], { FLOTILLA_API_TOKEN: ADMIN_TOKEN })).toMatchObject({ status: 0 });
    // FLOTILLA_TOKEN is the agent's join token, never sent as an API token.
    const joinToken = await run(['clusters'], { FLOTILLA_TOKEN: ADMIN_TOKEN });
    expect(joinToken).toMatchObject({ status: 4, stderr: expect.stringContaining('the hub wants a token: pass --token or set FLOTILLA_API_TOKEN') });
    expect(await run(['clusters'], {})).toMatchObject({ status: 4, stderr: expect.stringContaining('the hub wants a token: pass --token or set FLOTILLA_API_TOKEN') });
  });

  it('says plainly when nothing answers at the hub address (exit 3), for REST and for the status stream', async () => {
    const [closed] = await findFreePorts(1);
    const rest = await flotilla(['apps'], { hub: `http://127.0.0.1:${closed}` });
    expect(rest.status).toBe(3);
    expect(rest.stderr).toBe(`flotilla: cannot reach the hub at http://127.0.0.1:${closed} (ECONNREFUSED); is it running? Point to it with --hub or FLOTILLA_HUB_URL\n`);
    const watch = await flotilla(['status', '--watch'], { grpc: `127.0.0.1:${closed}` });
    expect(watch.status).toBe(3);
    expect(watch.stderr).toContain(`cannot reach the hub's status stream at 127.0.0.1:${closed}`);
  });

  it('says plainly when this hub predates drift and rollouts (exit 5)', async () => {
    // A hub without a route answers as NestJS does for any unknown route; under a path prefix every route is unknown.
    const older = `${hub.httpUrl}/a-hub-before-drift`;
    const drift = await flotilla(['drift'], { hub: older, env: { FLOTILLA_API_TOKEN: ADMIN_TOKEN } });
    expect(drift.status).toBe(5);
    expect(drift.stderr).toBe('flotilla: this hub does not serve GET /api/v1/drift; it is older than the feature (upgrade the hub): this hub has no drift detection\n');
    expect((await flotilla(['rollouts'], { hub: older })).stderr).toMatch(/does not serve GET \/api\/v1\/rollouts.*this hub has no rollouts/);
    expect((await flotilla(['rollback', 'web'], { hub: older })).stderr).toMatch(/does not serve POST \/api\/v1\/apps\/web\/rollback.*this hub has no rollouts/);
  });

  it('tells a route the hub serves from one it does not', async () => {
    const client = new HubClient({ url: hub.httpUrl, token: ADMIN_TOKEN });
    expect(await client.supports('/api/v1/drift')).toBe(true);
    expect(await client.supports('/api/v1/nothing-here')).toBe(false);
  });

  it('creates, lists, uses and revokes API tokens, printing the token only once', async () => {
    const created = await run(['tokens', 'create', 'ci', '--role', 'viewer']);
    expect(created.status).toBe(0);
    const token = /token \(shown only now\): (\S+)/.exec(created.stdout)?.[1] as string;
    expect(created.stdout).toContain('token ci created with role viewer');
    expect(token).toMatch(/^flt_/);
    const listed = await run(['tokens']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME\s+ROLE\s+CREATED BY\s+AGE\s+EXPIRES\s+LAST USED$/);
    expect(listed.stdout).toMatch(/\nci\s+viewer\s+token:admin\s+\d+s\s+never\s+never/);
    expect(listed.stdout).not.toContain(token);
    expect(JSON.parse((await run(['tokens', 'get', 'ci', '-o', 'json'])).stdout)).toMatchObject({ name: 'ci', role: 'viewer', expiresAt: null });

    // A viewer reads but may not change anything.
    expect(await run(['apps'], { FLOTILLA_API_TOKEN: token })).toMatchObject({ status: 0, stdout: expect.stringContaining('web') });
    const refused = await run(['tokens', 'create', 'more', '--role', 'admin'], { FLOTILLA_API_TOKEN: token });
    expect(refused).toMatchObject({ status: 4, stderr: expect.stringContaining('the token may not POST /api/v1/tokens') });

    expect(await run(['tokens', 'revoke', 'ci'])).toMatchObject({ status: 0, stdout: 'token ci revoked; it no longer works\n' });
    expect(await run(['apps'], { FLOTILLA_API_TOKEN: token })).toMatchObject({ status: 4, stderr: expect.stringContaining('the token was refused') });
    expect(parse((await run(['tokens', '-o', 'yaml'])).stdout).items.map((t: { name: string }) => t.name)).toEqual(['admin']);
    expect(await run(['tokens', 'create', 'x', '--role', 'root'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--role must be one of viewer, operator, admin, got "root"') });
  });

  it('shows the audit log, newest first, filtered', async () => {
    const audit = await run(['audit', '--target', 'token/ci']);
    expect(audit.status).toBe(0);
    expect(audit.stdout.split('\n')[0]).toMatch(/^WHEN\s+ACTOR\s+ACTION\s+TARGET\s+RESULT\s+DETAILS$/);
    expect(audit.stdout).toMatch(/\n\d+s\s+token:admin\s+token\.delete\s+token\/ci\s+success/);
    const json = JSON.parse((await run(['audit', '--action', 'cluster.create', '-o', 'json'])).stdout);
    expect(json.items.map((e: { target: string }) => e.target)).toEqual(['cluster/dev-1', 'cluster/eu-1']);
    expect(parse((await run(['audit', '--limit', '1', '-o', 'yaml'])).stdout).items).toHaveLength(1);
  });

  it('issues a new join token for a cluster', async () => {
    const issued = await run(['clusters', 'join-token', 'eu-1']);
    expect(issued.stdout).toMatch(/^new join token of cluster eu-1 \(shown only now; an unused earlier one no longer works\): \S{20,}\nit can be exchanged until \d{4}-/);
    expect(JSON.parse((await run(['clusters', 'join-token', 'eu-1', '-o', 'json'])).stdout)).toMatchObject({ cluster: 'eu-1', joinToken: expect.any(String), issuedBy: 'token:admin' });
    expect(await run(['clusters', 'join-token', 'nope'])).toMatchObject({ status: 5, stderr: 'flotilla: cluster "nope" not found\n' });
  });

  it('changes a source and lists the revisions it has seen', async () => {
    const updated = await run(['sources', 'update', 'fleet', '--poll-interval', '600']);
    expect(updated.stdout).toMatch(/^source fleet tracks \S+ main, polled every 600s\n$/);
    const revisions = await run(['sources', 'revisions', 'fleet']);
    expect(revisions.stdout).toMatch(/^REVISION\s+TRIGGER\s+SEEN\nmain@[0-9a-f]{7}\s+\S+\s+\d+s\n$/);
    expect(parse((await run(['sources', 'revisions', 'fleet', '-o', 'yaml'])).stdout).items[0]).toMatchObject({ revision: expect.stringMatching(/^main@sha1:/) });
    expect(await run(['sources', 'update', 'fleet'])).toMatchObject({ status: 2, stderr: expect.stringContaining('nothing to change') });
  });

  it('updates an app: only what is given changes', async () => {
    const updated = await run(['apps', 'update', 'web', '--drift', 'report', '--var', 'replicas=3']);
    expect(updated).toMatchObject({ status: 0, stdout: 'app web updated: env In (prod,dev), drift report, prune on; follow it with: flotilla status web --watch\n' });
    const app = JSON.parse((await run(['apps', 'get', 'web', '-o', 'json'])).stdout);
    expect(app).toMatchObject({ path: 'apps/web', variables: { replicas: '3' }, policy: { prune: true, drift: { mode: 'report' } } });
    expect(await run(['apps', 'update', 'web'])).toMatchObject({ status: 2, stderr: expect.stringContaining('nothing to change') });
  });
});

describe('flotilla help', () => {
  it('lists the verbs and the global options', async () => {
    const { status, stdout } = await flotilla(['--help']);
    expect(status).toBe(0);
    for (const verb of ['demo', 'hub', 'agent', 'clusters', 'sources', 'apps', 'status', 'drift', 'rollouts', 'rollback', 'tokens', 'audit']) expect(stdout).toMatch(new RegExp(`\\n  ${verb}\\s`));
    expect(stdout).toContain('--token TOKEN');
  });

  it('shows an example in the help of every verb', async () => {
    for (const verb of ['demo', 'hub', 'agent', 'clusters', 'sources', 'apps', 'status', 'drift', 'rollouts', 'rollback', 'tokens', 'audit']) {
      const { status, stdout } = await flotilla([verb, '--help']);
      expect(status).toBe(0);
      expect(stdout, verb).toMatch(/\nExamples?:\n {2}\S/);
    }
  });

  it('shows the hub and agent settings with their variables and defaults', async () => {
    const hub = await flotilla(['hub', '--help']);
    expect(hub.stdout).toMatch(/--http-port, FLOTILLA_HTTP_PORT\s+port of the REST API, \/healthz and \/metrics \(default 8080\)/);
    const agent = await flotilla(['help', 'agent']);
    expect(agent.stdout).toMatch(/--metrics-port, FLOTILLA_METRICS_PORT\s+port of \/metrics \(Prometheus\); 0 disables it \(default 9100\)/);
  });

  it('stops the hub with exit 2 and every bad key listed when its settings are wrong', async () => {
    const { status, stderr } = await flotilla(['hub', '--http-port', 'eighty', '--log-level', 'loud']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/invalid configuration:\n {2}--http-port: .*\n {2}--log-level: /);
  });
});
