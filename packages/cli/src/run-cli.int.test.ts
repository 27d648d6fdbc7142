import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Hub, parseHubConfig, startHub } from '@flotilla/hub';
import { type GitServer, startGitServer } from '@flotilla/testenv';
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
      parseHubConfig({ env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HTTP_HOST: '127.0.0.1', FLOTILLA_GRPC_HOST: '127.0.0.1', FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'silent', FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN } }),
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

    const apps = await run(['apps']);
    expect(apps.stdout).toMatch(/web\s+fleet\s+apps\/web\s+env In \(prod,dev\)\s+0\/2\s+correct/);
    const status = await run(['status', 'web']);
    expect(status.stdout).toMatch(/web\s+dev-1\s+main@[0-9a-f]{7}\s+-\s+Pending/);
    expect(status.stdout).toMatch(/web\s+eu-1\s+main@[0-9a-f]{7}\s+-\s+Pending/);
    const json = JSON.parse((await run(['status', '-o', 'json'])).stdout);
    expect(json.items).toHaveLength(2);
    expect(json.items[0]).toMatchObject({ app: 'web', inSync: false, applied: null });
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
    expect(await run(['-o', 'yaml', 'clusters'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--output must be table or json') });
  });
});

describe('flotilla and a hub it cannot use', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    // A hub with authentication answers a refused token like this (401, the hub's error body).
    server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'invalid or expired token' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends --token, or FLOTILLA_API_TOKEN, as a bearer token and says when the hub refuses it (exit 4)', async () => {
    const byFlag = await flotilla(['clusters', '--token', 's3cret-flag'], { hub: url, env: { FLOTILLA_API_TOKEN: 'ignored' } });
    expect(byFlag.status).toBe(4);
    expect(byFlag.stderr).toBe('flotilla: the token was refused; check it, or get a new one (invalid or expired token)\n');
    expect(seen.at(-1)?.authorization).toBe('Bearer s3cret-flag');

    await flotilla(['clusters'], { hub: url, env: { FLOTILLA_API_TOKEN: 's3cret-env' } });
    expect(seen.at(-1)?.authorization).toBe('Bearer s3cret-env');
    // FLOTILLA_TOKEN is the agent's join token, never sent as an API token.
    await flotilla(['clusters'], { hub: url, env: { FLOTILLA_TOKEN: 'flj_a-join-token' } });
    expect(seen.at(-1)?.authorization).toBeUndefined();

    const none = await flotilla(['clusters'], { hub: url });
    expect(none.stderr).toContain('the hub wants a token: pass --token or set FLOTILLA_API_TOKEN');
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('says plainly when nothing answers at the hub address (exit 3), for REST and for the status stream', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const rest = await flotilla(['apps'], { hub: `http://127.0.0.1:${closed}` });
    expect(rest.status).toBe(3);
    expect(rest.stderr).toBe(`flotilla: cannot reach the hub at http://127.0.0.1:${closed} (ECONNREFUSED); is it running? Point to it with --hub or FLOTILLA_HUB_URL\n`);
    const watch = await flotilla(['status', '--watch'], { grpc: `127.0.0.1:${closed}` });
    expect(watch.status).toBe(3);
    expect(watch.stderr).toContain(`cannot reach the hub's status stream at 127.0.0.1:${closed}`);
  });
});

describe('flotilla and a hub older than drift detection and rollouts', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // An older hub has no such routes and answers as NestJS does for any unknown route.
    server = createServer((request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `Cannot ${request.method} ${request.url}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('says plainly when this hub predates drift and rollouts (exit 5)', async () => {
    const drift = await flotilla(['drift'], { hub: url });
    expect(drift.status).toBe(5);
    expect(drift.stderr).toBe('flotilla: this hub does not serve GET /api/v1/drift; it is older than the feature (upgrade the hub): this hub has no drift detection\n');
    expect((await flotilla(['rollouts'], { hub: url })).stderr).toMatch(/does not serve GET \/api\/v1\/rollouts.*this hub has no rollouts/);
    expect((await flotilla(['rollback', 'web'], { hub: url })).stderr).toMatch(/does not serve POST \/api\/v1\/apps\/web\/rollback.*this hub has no rollouts/);
  });
});

describe('flotilla and a hub with drift detection and rollouts', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; url?: string; body: string }> = [];

  beforeAll(async () => {
    // Answers as the documented routes of a newer hub would, to show how the CLI prints what they return.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, body });
        const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (request.url?.startsWith('/api/v1/drift')) {
          return json(200, { items: [{ app: 'web', cluster: 'eu-1', object: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'settings' }, manager: 'kubectl-edit', action: 'Corrected', detectedAt: new Date().toISOString() }] });
        }
        if (request.url?.startsWith('/api/v1/rollouts')) {
          return json(200, { items: [{ id: 'r-7', app: 'web', revision: `main@sha1:${'c'.repeat(40)}`, state: 'Halted', wave: 1, updatedClusters: 1, totalClusters: 3, failedClusters: 1, message: 'canary failed' }] });
        }
        if (request.url === '/api/v1/apps/web/rollback') return json(202, { revision: `main@sha1:${'b'.repeat(40)}` });
        return json(404, { error: { code: 'NOT_FOUND', message: `Cannot ${request.method} ${request.url}` } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('shows drift and rollouts as tables, and asks for a rollback', async () => {
    const drift = await flotilla(['drift', 'web', '--cluster', 'eu-1'], { hub: url });
    expect(drift.stdout).toMatch(/APP\s+CLUSTER\s+OBJECT\s+MANAGER\s+ACTION\s+DETECTED AT\nweb\s+eu-1\s+ConfigMap\/web\/settings\s+kubectl-edit\s+Corrected\s+\d+s/);
    expect(seen.at(-1)?.url).toBe('/api/v1/drift?app=web&cluster=eu-1');
    const rollouts = await flotilla(['rollouts', '--app', 'web'], { hub: url });
    expect(rollouts.stdout).toMatch(/r-7\s+web\s+main@ccccccc\s+Halted\s+1\s+1\s+3\s+1\s+canary failed/);
    const rollback = await flotilla(['rollback', 'web', '--to', `main@sha1:${'b'.repeat(40)}`], { hub: url });
    expect(rollback).toMatchObject({ status: 0, stdout: `rolling back app web to main@sha1:${'b'.repeat(40)}; follow it with: flotilla status web --watch\n` });
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({ revision: `main@sha1:${'b'.repeat(40)}` });
  });

  it('tells a route the hub serves from one it does not', async () => {
    const { HubClient } = await import('./client/hub-client.js');
    const client = new HubClient({ url });
    expect(await client.supports('/api/v1/drift')).toBe(true);
    expect(await client.supports('/api/v1/nothing-here')).toBe(false);
  });
});

describe('flotilla help', () => {
  it('lists the verbs and the global options', async () => {
    const { status, stdout } = await flotilla(['--help']);
    expect(status).toBe(0);
    for (const verb of ['demo', 'hub', 'agent', 'clusters', 'sources', 'apps', 'status', 'drift', 'rollouts', 'rollback']) expect(stdout).toMatch(new RegExp(`\\n  ${verb}\\s`));
    expect(stdout).toContain('--token TOKEN');
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
