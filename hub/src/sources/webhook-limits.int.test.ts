import { randomBytes, randomUUID } from 'node:crypto';
import { createPostgresDatabase, type GitServer, type PostgresDatabase, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHubState } from '../testing/hub-state.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { signWebhookBody } from './webhook-signature.js';

const SECRET = 'webhook-secret-of-the-fleet';

describe('webhook replay protection and rate limit', () => {
  let git: GitServer;
  let hub: TestHub;

  const deliver = (body: string, deliveryId?: string, source = 'fleet') => {
    const test = hub
      .api(null)
      .post(`/api/v1/webhooks/${source}`)
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-hub-signature-256', signWebhookBody(SECRET, body));
    return (deliveryId === undefined ? test : test.set('x-github-delivery', deliveryId)).send(body);
  };
  const push = async (): Promise<string> => {
    const checkout = await git.checkout('fleet');
    const name = randomUUID();
    await checkout.write(`web/${name}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${name}\n`);
    const commit = await checkout.commit('change');
    await checkout.push();
    return commit;
  };

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    hub = await startTestHub('sqlite', { FLOTILLA_WEBHOOK_RATE_LIMIT: '6', FLOTILLA_POLL_TICK_MS: '60000' });
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), webhookSecret: SECRET, pollIntervalSeconds: 86_400 }).expect(201);
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  it('refuses a delivery id seen before with 409, and does not refresh again', async () => {
    const first = await push();
    const id = randomUUID();
    await deliver(JSON.stringify({ ref: 'refs/heads/main', after: first }), id).expect(200, { status: 'updated', revision: `main@sha1:${first}` });
    await push();
    const before = await readHubState(hub);
    const replay = await deliver(JSON.stringify({ ref: 'refs/heads/main', after: 'another body' }), id).expect(409);
    expect(replay.body.error).toMatchObject({ code: 'CONFLICT', message: `webhook for source "fleet": delivery ${id} was already received; replays are refused` });
    expect(await readHubState(hub)).toEqual(before);
    const audit = await hub.api().get('/api/v1/audit').query({ action: 'source.webhook' }).expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: 'webhook:fleet', result: 'failure', details: { reason: 'replay', code: 'CONFLICT' } });
  });

  it('refuses the same signed body again under another delivery id, or none', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'captured' });
    await deliver(body, randomUUID()).expect(200);
    await push();
    const before = await readHubState(hub);
    const replay = await deliver(body, randomUUID()).expect(409);
    expect(replay.body.error.message).toBe('webhook for source "fleet": a delivery with this exact body was already received; replays are refused');
    await deliver(body).expect(409);
    expect(await readHubState(hub)).toEqual(before);
  });

  it('refuses a malformed delivery id', async () => {
    const before = await readHubState(hub);
    const res = await deliver(JSON.stringify({ ref: 'refs/heads/main', n: 1 }), 'not a delivery id; DROP TABLE').expect(400);
    expect(res.body.error.code).toBe('INVALID_ARGUMENT');
    expect(await readHubState(hub)).toEqual(before);
  });

  it('limits calls per source and client address with 429 and Retry-After, before checking anything else', async () => {
    await hub.api().post('/api/v1/sources').send({ name: 'busy', url: git.repoUrl('fleet'), webhookSecret: SECRET, pollIntervalSeconds: 86_400 }).expect(201);
    const ping = (n: number) => deliver(JSON.stringify({ zen: n }), randomUUID(), 'busy').set('x-github-event', 'ping');
    for (let i = 0; i < 6; i++) await ping(i).expect(200, { status: 'pong' });
    const before = await readHubState(hub);
    const limited = await ping(6).expect(429);
    expect(limited.body.error.message).toMatch(/^too many webhook calls for source "busy"; retry in \d+ s$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(9);
    // Refused before the signature is even checked.
    await hub.api(null).post('/api/v1/webhooks/busy').send({}).expect(429);
    expect(await readHubState(hub)).toEqual(before);
    // Each source has its own budget.
    await hub.api().post('/api/v1/sources').send({ name: 'calm', url: git.repoUrl('fleet'), webhookSecret: SECRET, pollIntervalSeconds: 86_400 }).expect(201);
    await deliver(JSON.stringify({ zen: 'calm' }), randomUUID(), 'calm').set('x-github-event', 'ping').expect(200, { status: 'pong' });
  });
});

describe('webhook replay protection across two hubs on one PostgreSQL database', () => {
  let git: GitServer;
  let database: PostgresDatabase;
  let a: TestHub;
  let b: TestHub;

  const deliver = (hub: TestHub, body: string, deliveryId: string) =>
    hub
      .api(null)
      .post('/api/v1/webhooks/fleet')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-github-delivery', deliveryId)
      .set('x-hub-signature-256', signWebhookBody(SECRET, body))
      .send(body);

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    database = await createPostgresDatabase();
    // Replicas share the database and the key sealing webhook secrets.
    const env = { FLOTILLA_DATABASE_URL: database.url, FLOTILLA_SECRET_KEY: randomBytes(32).toString('base64'), FLOTILLA_POLL_TICK_MS: '60000' };
    a = await startTestHub('sqlite', env);
    b = await startTestHub('sqlite', env);
    await a.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), webhookSecret: SECRET, pollIntervalSeconds: 86_400 }).expect(201);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
    await git?.stop();
  });

  it('refuses on one hub a delivery id the other accepted, and a body it accepted under another id', async () => {
    const id = randomUUID();
    await deliver(a, JSON.stringify({ ref: 'refs/heads/main', after: 'first' }), id).expect(200);
    const replay = await deliver(b, JSON.stringify({ ref: 'refs/heads/main', after: 'second' }), id).expect(409);
    expect(replay.body.error).toMatchObject({ code: 'CONFLICT', message: `webhook for source "fleet": delivery ${id} was already received; replays are refused` });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'captured' });
    await deliver(b, body, randomUUID()).expect(200);
    const again = await deliver(a, body, randomUUID()).expect(409);
    expect(again.body.error.message).toBe('webhook for source "fleet": a delivery with this exact body was already received; replays are refused');
  });

  it('accepts one of two deliveries of one id sent to both hubs at once', async () => {
    const id = randomUUID();
    const body = JSON.stringify({ ref: 'refs/heads/main', after: id });
    const statuses = (await Promise.all([deliver(a, body, id), deliver(b, body, id)])).map((res) => res.status).sort();
    expect(statuses).toEqual([200, 409]);
  });
});
