import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FlotillaError } from '@flotilla/core';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHubConfig } from '../config/hub-config.js';
import { signWebhookBody } from './webhook-signature.js';
import { type Hub, startHub } from '../start-hub.js';
import { apiClient, startTestHub, TEST_ADMIN_TOKEN, TEST_DATABASES, TEST_GIT_ALLOWED_ADDRESSES, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';
import { secretKeyId } from '../secrets/secret-box.js';

const GIT_PASSWORD = 'git-password-never-to-be-seen';
const WEBHOOK_SECRET = 'webhook-secret-never-to-be-seen';

describe.each(TEST_DATABASES)('Git credentials and webhook secrets on %s', (database) => {
  let privateGit: GitServer;
  let publicGit: GitServer;
  let hub: TestHub;
  const logLines: string[] = [];
  const secretsSeen: string[] = [GIT_PASSWORD, WEBHOOK_SECRET, TEST_ADMIN_TOKEN];
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    [privateGit, publicGit] = await Promise.all([startGitServer({ auth: { username: 'flotilla', password: GIT_PASSWORD } }), startGitServer()]);
    await privateGit.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    await publicGit.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    hub = await startTestHub(database, { FLOTILLA_LOG_LEVEL: 'trace' }, pino({ level: 'trace' }, sink));
    const credentials = { username: 'flotilla', password: GIT_PASSWORD };
    await hub.api().post('/api/v1/sources').send({ name: 'private', url: privateGit.repoUrl('fleet'), credentials, webhookSecret: WEBHOOK_SECRET, pollIntervalSeconds: 86_400 }).expect(201);
    await hub.api().post('/api/v1/sources').send({ name: 'public', url: publicGit.repoUrl('fleet'), pollIntervalSeconds: 86_400 }).expect(201);
    for (const [name, env] of [['eu-1', 'prod'], ['dev-1', 'dev']] as const) {
      const joinToken = (await hub.api().post('/api/v1/clusters').send({ name, labels: { env } }).expect(201)).body.joinToken;
      const credential = await TestAgent.join(hub.grpcAddress, joinToken, name);
      secretsSeen.push(joinToken, credential);
      agents.push(TestAgent.connect(hub.grpcAddress, credential, name));
    }
    await hub.api().post('/api/v1/apps').send({ name: 'private-app', source: 'private', path: 'web', targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'public-app', source: 'public', path: 'web', targets: { selector: { matchLabels: { env: 'dev' } } } }).expect(201);
  });
  afterAll(async () => {
    for (const agent of agents) await agent.close().catch(() => undefined);
    await hub?.stop();
    await privateGit?.stop();
    await publicGit?.stop();
  });

  // Changed with rendering on the hub (issue 15): agents used to get the credentials of their apps' sources to fetch
  // Git themselves; now the hub fetches with them and agents get the artifact only.
  it('sends no Git credentials to any agent: the hub renders the private source and assigns the artifact', async () => {
    const [assigned, other] = agents as [TestAgent, TestAgent];
    const { assignment } = await assigned.next((m) => m.assignment?.app === 'private-app');
    expect(assignment?.source?.credentials ?? null).toBeNull();
    expect(assignment?.artifact?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { assignment: publicAssignment } = await other.next((m) => m.assignment?.app === 'public-app');
    expect(publicAssignment?.source?.credentials ?? null).toBeNull();
    await assigned.next((m) => Boolean(m.assignmentsComplete));
    await other.next((m) => Boolean(m.assignmentsComplete));
    expect(JSON.stringify(assigned.received)).not.toContain(GIT_PASSWORD);
    expect(JSON.stringify(other.received)).not.toContain(GIT_PASSWORD);
  });

  it('stores them sealed, bound to their source, never in clear', async () => {
    const rows = (await hub.app.get(DataSource).query('SELECT "name", "credentials", "webhookSecret" FROM "sources" ORDER BY "name"')) as Array<Record<string, string | null>>;
    expect(rows[0]).toEqual({ name: 'private', credentials: expect.stringMatching(/^fls1\.[0-9a-f]{12}\./), webhookSecret: expect.stringMatching(/^fls1\./) });
    expect(rows[1]).toEqual({ name: 'public', credentials: null, webhookSecret: null });
    expect(JSON.stringify(rows)).not.toMatch(/never-to-be-seen|flotilla"/);
  });

  it('still uses them: resolving the ref and checking webhook signatures', async () => {
    await hub.api().post('/api/v1/sources/private/refresh').expect(200).expect((res) => expect(res.body.lastError).toBeNull());
    const body = JSON.stringify({ ref: 'refs/heads/main', zen: 'a' });
    await hub.api(null).post('/api/v1/webhooks/private').set('content-type', 'application/json').set('x-hub-signature-256', signWebhookBody(WEBHOOK_SECRET, body)).send(body).expect(200);
  });

  it('never returns them from the API, whatever the call', async () => {
    const wrong = await hub.api().patch('/api/v1/sources/private').send({ credentials: { username: 'flotilla', password: `${GIT_PASSWORD}-wrong` } }).expect(200);
    expect(wrong.body.lastError).toBeTruthy();
    const answers = [
      wrong.body,
      (await hub.api().patch('/api/v1/sources/private').send({ credentials: { username: 'flotilla', password: GIT_PASSWORD } }).expect(200)).body,
      (await hub.api().get('/api/v1/sources').expect(200)).body,
      (await hub.api().get('/api/v1/sources/private').expect(200)).body,
      (await hub.api().get('/api/v1/audit').query({ limit: 1000 }).expect(200)).body,
      (await hub.api().post('/api/v1/sources').send({ name: 'private', url: privateGit.repoUrl('fleet'), credentials: { username: 'x', password: GIT_PASSWORD } }).expect(409)).body,
    ];
    expect(answers[3]).toMatchObject({ hasCredentials: true, hasWebhookSecret: true });
    expect(JSON.stringify(answers)).not.toContain('never-to-be-seen');
  });

  it('never writes them, or any other secret, to the logs', async () => {
    expect(logLines.length).toBeGreaterThan(20);
    const log = logLines.join('');
    for (const secret of secretsSeen) expect(log).not.toContain(secret);
  });
});

describe('the secret key', () => {
  let git: GitServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
  const keys = [randomBytes(32).toString('hex'), randomBytes(32).toString('base64')];
  const start = (env: Record<string, string>): Promise<Hub> =>
    startHub(
      parseHubConfig({
        env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'silent', FLOTILLA_ADMIN_TOKEN: TEST_ADMIN_TOKEN, FLOTILLA_GIT_ALLOWED_ADDRESSES: TEST_GIT_ALLOWED_ADDRESSES, ...env },
      }),
    );
  const sealedValues = async (hub: Hub): Promise<string> => JSON.stringify(await hub.app.get(DataSource).query('SELECT "credentials", "webhookSecret" FROM "sources"'));

  beforeAll(async () => {
    git = await startGitServer({ auth: { username: 'flotilla', password: GIT_PASSWORD } });
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
  });
  afterAll(async () => {
    await git?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is generated into the data directory with mode 0600 when none is configured', async () => {
    const hub = await startTestHub('sqlite');
    try {
      expect(statSync(join(hub.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    } finally {
      await hub.stop();
    }
  });

  it('seals plaintext written before sealing existed, at start', async () => {
    const hub = await start({ FLOTILLA_SECRET_KEY: keys[0] as string });
    await apiClient(hub.httpUrl, TEST_ADMIN_TOKEN).post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 86_400 }).expect(201);
    // As an older hub stored them: JSON and plain text.
    await hub.app.get(DataSource).query(`UPDATE "sources" SET "credentials" = ?, "webhookSecret" = ?`, [JSON.stringify({ username: 'flotilla', password: GIT_PASSWORD }), WEBHOOK_SECRET]);
    await hub.close();
    const again = await start({ FLOTILLA_SECRET_KEY: keys[0] as string });
    try {
      expect(await sealedValues(again)).not.toContain('never-to-be-seen');
      const refreshed = await apiClient(again.httpUrl, TEST_ADMIN_TOKEN).post('/api/v1/sources/fleet/refresh').expect(200);
      expect(refreshed.body.lastError).toBeNull();
    } finally {
      await again.close();
    }
  });

  it('can be rotated: values sealed with the previous key are sealed again with the new one', async () => {
    const hub = await start({ FLOTILLA_SECRET_KEY: keys[1] as string, FLOTILLA_SECRET_KEY_PREVIOUS: keys[0] as string });
    try {
      const sealed = await sealedValues(hub);
      const rows = JSON.parse(sealed) as Array<{ credentials: string }>;
      expect(rows[0]?.credentials.split('.')[1]).toBe(secretKeyId(Buffer.from(keys[1] as string, 'base64')));
      expect((await apiClient(hub.httpUrl, TEST_ADMIN_TOKEN).post('/api/v1/sources/fleet/refresh').expect(200)).body.lastError).toBeNull();
    } finally {
      await hub.close();
    }
  });

  it('is required: a hub without the key its secrets were sealed with does not start, and changes nothing', async () => {
    const probe = await start({ FLOTILLA_SECRET_KEY: keys[1] as string });
    const before = await sealedValues(probe);
    await probe.close();
    const error = await start({ FLOTILLA_SECRET_KEY: randomBytes(32).toString('hex') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(FlotillaError.is(error, 'FAILED_PRECONDITION')).toBe(true);
    expect((error as Error).message).toMatch(/^source\/fleet\/credentials was sealed with secret key [0-9a-f]{12}, which is not configured/);
    const after = await start({ FLOTILLA_SECRET_KEY: keys[1] as string });
    try {
      expect(await sealedValues(after)).toBe(before);
    } finally {
      await after.close();
    }
  });
});
