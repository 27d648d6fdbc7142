import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseHubConfig } from '../config/hub-config.js';
import { startHub } from '../start-hub.js';
import { readHubState } from '../testing/hub-state.js';
import { apiClient, startTestHub, type TestHub } from '../testing/start-test-hub.js';

describe('REST authentication and roles', () => {
  let git: GitServer;
  let hub: TestHub;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    hub = await startTestHub('sqlite');
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 86_400 }).expect(201);
    await hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201);
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      tokens[role] = (await hub.api().post('/api/v1/tokens').send({ name: `${role}-token`, role }).expect(201)).body.token;
    }
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  it('refuses a call without a token with 401, changes nothing and records the attempt', async () => {
    const before = await readHubState(hub);
    const res = await hub.api(null).post('/api/v1/clusters').send({ name: 'sneaky' }).expect(401);
    expect(res.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'missing API token: send "Authorization: Bearer <token>"' });
    await hub.api(null).get('/api/v1/clusters').expect(401);
    expect(await readHubState(hub)).toEqual(before);
    const audit = await hub.api().get('/api/v1/audit').query({ target: 'cluster/sneaky' }).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: 'anonymous', action: 'cluster.create', result: 'failure', details: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
  });

  it('refuses unknown tokens and other kinds of Authorization header', async () => {
    const before = await readHubState(hub);
    for (const header of ['Bearer flt_not-a-token', 'Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer ${'x'.repeat(2000)}`, tokens.admin as string]) {
      const res = await apiClient(hub.httpUrl, undefined).post('/api/v1/clusters').set('authorization', header).send({ name: 'sneaky' });
      expect(res.status).toBe(401);
    }
    expect(await readHubState(hub)).toEqual(before);
  });

  it('lets a viewer read everything but tokens, and change nothing', async () => {
    const viewer = hub.api(tokens.viewer);
    await viewer.get('/api/v1/clusters').expect(200);
    await viewer.get('/api/v1/sources/fleet').expect(200);
    await viewer.get('/api/v1/audit').expect(200);
    const before = await readHubState(hub);
    const denied = await viewer.post('/api/v1/clusters').send({ name: 'us-1' }).expect(403);
    expect(denied.body.error).toMatchObject({ code: 'PERMISSION_DENIED', message: 'API token "viewer-token" has role viewer; POST /api/v1/clusters needs admin' });
    await viewer.patch('/api/v1/clusters/eu-1').send({ labels: { env: 'x' } }).expect(403);
    await viewer.delete('/api/v1/clusters/eu-1').expect(403);
    await viewer.post('/api/v1/sources/fleet/refresh').expect(403);
    await viewer.get('/api/v1/tokens').expect(403);
    await viewer.post('/api/v1/tokens').send({ name: 'escalate', role: 'admin' }).expect(403);
    expect(await readHubState(hub)).toEqual(before);
  });

  it('lets an operator run operations, but not manage clusters, sources, apps or tokens', async () => {
    const operator = hub.api(tokens.operator);
    await operator.post('/api/v1/sources/fleet/refresh').expect(200);
    const before = await readHubState(hub);
    await operator.post('/api/v1/clusters').send({ name: 'us-1' }).expect(403);
    await operator.patch('/api/v1/sources/fleet').send({ pollIntervalSeconds: 60 }).expect(403);
    await operator.post('/api/v1/apps').send({ name: 'web', source: 'fleet' }).expect(403);
    await operator.post('/api/v1/clusters/eu-1/join-token').expect(403);
    await operator.delete('/api/v1/tokens/viewer-token').expect(403);
    expect(await readHubState(hub)).toEqual(before);
  });

  it('lets an operator pause, resume and abort rollouts and roll back or unpin apps, and a viewer none of it', async () => {
    const operator = hub.api(tokens.operator);
    const viewer = hub.api(tokens.viewer);
    // Nothing to act on: an operator is let through to a 404, a viewer stopped at 403.
    for (const path of ['/api/v1/rollouts/999/pause', '/api/v1/rollouts/999/resume', '/api/v1/rollouts/999/abort', '/api/v1/apps/nothing/rollback', '/api/v1/apps/nothing/unpin']) {
      await operator.post(path).send({}).expect(404);
      await viewer.post(path).send({}).expect(403);
    }
  });

  it('lets an admin do everything, recording the token as the actor', async () => {
    const admin = hub.api(tokens.admin);
    await admin.post('/api/v1/clusters').send({ name: 'us-1' }).expect(201);
    await admin.post('/api/v1/sources/fleet/refresh').expect(200);
    await admin.get('/api/v1/tokens').expect(200);
    const audit = await hub.api().get('/api/v1/audit').query({ target: 'cluster/us-1' }).expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: 'token:admin-token', action: 'cluster.create', result: 'success' });
  });

  it('shows a token once, lists tokens without their secrets, and stores only hashes', async () => {
    const created = await hub.api().post('/api/v1/tokens').send({ name: 'ci', role: 'operator' }).expect(201);
    expect(created.body).toMatchObject({ name: 'ci', role: 'operator', createdBy: `token:admin`, expiresAt: null });
    expect(created.body.token).toMatch(/^flt_[A-Za-z0-9_-]{43}$/);
    const listed = await hub.api().get('/api/v1/tokens').expect(200);
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['admin', 'admin-token', 'ci', 'operator-token', 'viewer-token']);
    const everything = JSON.stringify([listed.body, (await hub.api().get('/api/v1/tokens/ci').expect(200)).body]);
    for (const secret of [created.body.token, ...Object.values(tokens)]) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('Hash');
    const rows = JSON.stringify(await hub.app.get(DataSource).query('SELECT * FROM "api_tokens"'));
    for (const secret of [created.body.token, hub.adminToken, ...Object.values(tokens)]) expect(rows).not.toContain(secret);
  });

  it('revokes a token at once', async () => {
    const ci = (await hub.api().post('/api/v1/tokens').send({ name: 'short-lived', role: 'viewer' }).expect(201)).body.token;
    await hub.api(ci).get('/api/v1/clusters').expect(200);
    await hub.api().delete('/api/v1/tokens/short-lived').expect(204);
    const res = await hub.api(ci).get('/api/v1/clusters').expect(401);
    expect(res.body.error.message).toBe('unknown or revoked API token');
  });

  it('refuses an expired token', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const token = (await hub.api().post('/api/v1/tokens').send({ name: 'expiring', role: 'viewer', expiresAt }).expect(201)).body.token;
    await hub.api(token).get('/api/v1/clusters').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const res = await hub.api(token).get('/api/v1/clusters').expect(401);
    expect(res.body.error.message).toBe(`API token "expiring" expired at ${expiresAt}`);
  });

  it('refuses bad token bodies, a duplicate name, and deleting the last admin token', async () => {
    const before = await readHubState(hub);
    const res = await hub.api().post('/api/v1/tokens').send({ name: 'Bad Name', role: 'root', expiresAt: '2001-01-01T00:00:00Z', extra: 1 }).expect(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['(body)', 'expiresAt', 'name', 'role']);
    await hub.api().post('/api/v1/tokens').send({ name: 'ci', role: 'viewer' }).expect(409);
    expect(await readHubState(hub)).toEqual(before);
    await hub.api().delete('/api/v1/tokens/admin-token').expect(204);
    const last = await hub.api().delete('/api/v1/tokens/admin').expect(412);
    expect(last.body.error.message).toBe('API token "admin" is the last admin token; create another admin token first');
    await hub.api().get('/api/v1/tokens/admin').expect(200);
  });

  it('keeps probes, the OpenAPI document and webhooks open', async () => {
    const anonymous = hub.api(null);
    await anonymous.get('/healthz').expect(200);
    await anonymous.get('/readyz').expect(200);
    const docs = await anonymous.get('/api/docs-json').expect(200);
    expect(docs.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // Signature-authenticated: without a secret on the source the answer is about that, not about a token.
    const webhook = await anonymous.post('/api/v1/webhooks/fleet').send({}).expect(412);
    expect(webhook.body.error.message).toContain('has no webhook secret');
  });

  it('asks watchers of StatusService for an API token', async () => {
    const client = new StatusServiceClient(hub.grpcAddress, grpc.credentials.createInsecure());
    const watch = (token?: string) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      const events: StatusEvent[] = [];
      const call = client.watch({ clusters: [], apps: [], resumeFrom: '', skipSnapshot: false }, metadata);
      call.on('data', (event: StatusEvent) => events.push(event));
      const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      call.on('error', () => undefined);
      return { events, call, ended };
    };
    try {
      expect((await watch().ended).code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await watch('flt_wrong').ended).code).toBe(grpc.status.UNAUTHENTICATED);
      const allowed = watch(tokens.viewer);
      await expect.poll(() => allowed.events.some((e) => e.snapshotComplete)).toBe(true);
      allowed.call.cancel();
    } finally {
      client.close();
    }
  });
});

describe('the first admin token', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = () => startHub(parseHubConfig({ env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'silent' } }));

  it('is created at first start and printed once, and works across restarts', async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    let token: string | undefined;
    try {
      const first = await start();
      token = /flt_[A-Za-z0-9_-]{43}/.exec(printed.join(''))?.[0];
      expect(token).toBeDefined();
      await apiClient(first.httpUrl, token).get('/api/v1/tokens').expect(200);
      await first.close();
      printed.length = 0;
      const second = await start();
      expect(printed.join('')).not.toContain('flt_');
      await apiClient(second.httpUrl, token).post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201);
      await second.close();
    } finally {
      spy.mockRestore();
    }
  });

  it('comes from FLOTILLA_ADMIN_TOKEN when set, replacing a generated one', async () => {
    const hub = await startHub(
      parseHubConfig({ env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'silent', FLOTILLA_ADMIN_TOKEN: 'a-configured-admin-token' } }),
    );
    try {
      const tokens = await apiClient(hub.httpUrl, 'a-configured-admin-token').get('/api/v1/tokens').expect(200);
      expect(tokens.body.items).toEqual([expect.objectContaining({ name: 'admin', role: 'admin', createdBy: 'config' })]);
    } finally {
      await hub.close();
    }
  });
});
