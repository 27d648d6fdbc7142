import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { signWebhookBody } from './webhook-signature.js';

const secret = 'webhook-secret-of-the-fleet';

describe.each(TEST_DATABASES)('Git tracking on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let firstCommit: string;

  beforeAll(async () => {
    git = await startGitServer({ auth: { username: 'flotilla', password: 'git-password' } });
    firstCommit = (await git.createRepository('fleet', { 'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    hub = await startTestHub(database, { FLOTILLA_POLL_TICK_MS: '200' });
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  it('resolves a new source to its head commit and records the revision', async () => {
    const res = await hub.api()
      .post('/api/v1/sources')
      .send({ name: 'fleet', url: git.repoUrl('fleet'), ref: 'main', credentials: { username: 'flotilla', password: 'git-password' }, webhookSecret: secret, pollIntervalSeconds: 3600 })
      .expect(201);
    expect(res.body).toMatchObject({ name: 'fleet', revision: `main@sha1:${firstCommit}`, hasCredentials: true, hasWebhookSecret: true, lastError: null });
    expect(JSON.stringify(res.body)).not.toContain('git-password');
    expect(JSON.stringify(res.body)).not.toContain(secret);
    const revisions = await hub.api().get('/api/v1/sources/fleet/revisions').expect(200);
    expect(revisions.body.items).toEqual([expect.objectContaining({ revision: `main@sha1:${firstCommit}`, trigger: 'create' })]);
  });

  it('records what went wrong when the ref cannot be resolved', async () => {
    const res = await hub.api().post('/api/v1/sources').send({ name: 'wrong-password', url: git.repoUrl('fleet'), credentials: { username: 'flotilla', password: 'nope' } }).expect(201);
    expect(res.body.revision).toBeNull();
    expect(res.body.lastError).toMatch(/401|unauthori[sz]ed|credentials/i);
    expect(res.body.lastError).not.toContain('nope');
  });

  it('turns a push announced by a signed webhook into a revision in under 2 s', async () => {
    const checkout = await git.checkout('fleet');
    await checkout.write('web/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    const commit = await checkout.commit('add deployment');
    await checkout.push();
    const body = JSON.stringify({ ref: 'refs/heads/main', after: commit });
    const started = Date.now();
    const res = await hub.api()
      .post('/api/v1/webhooks/fleet')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-hub-signature-256', signWebhookBody(secret, body))
      .send(body)
      .expect(200);
    expect(res.body).toEqual({ status: 'updated', revision: `main@sha1:${commit}` });
    const source = await hub.api().get('/api/v1/sources/fleet').expect(200);
    expect(source.body.revision).toBe(`main@sha1:${commit}`);
    expect(Date.now() - started).toBeLessThan(2000);
    const revisions = await hub.api().get('/api/v1/sources/fleet/revisions').expect(200);
    expect(revisions.body.items[0]).toMatchObject({ commit, trigger: 'webhook' });
  });

  it('refuses a webhook with a wrong or missing signature and changes nothing', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const wrong = await hub.api()
      .post('/api/v1/webhooks/fleet')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', signWebhookBody('not-the-secret-at-all', body))
      .send(body)
      .expect(401);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    await hub.api().post('/api/v1/webhooks/fleet').set('content-type', 'application/json').send(body).expect(401);
    const audit = await hub.api().get('/api/v1/audit').query({ action: 'source.webhook' }).expect(200);
    expect(audit.body.items.filter((e: { result: string }) => e.result === 'failure')).toHaveLength(2);
  });

  it('ignores pushes to other branches', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/feature' });
    const res = await hub.api()
      .post('/api/v1/webhooks/fleet')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', signWebhookBody(secret, body))
      .send(body)
      .expect(200);
    expect(res.body.status).toBe('ignored');
  });

  it('finds a push without a webhook within one poll interval', async () => {
    await hub.api().patch('/api/v1/sources/fleet').send({ pollIntervalSeconds: 5 }).expect(200);
    const checkout = await git.checkout('fleet');
    await checkout.write('web/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
    const commit = await checkout.commit('add service');
    await checkout.push();
    await expect
      .poll(async () => (await hub.api().get('/api/v1/sources/fleet')).body.revision, { timeout: 7000, interval: 200 })
      .toBe(`main@sha1:${commit}`);
    const revisions = await hub.api().get('/api/v1/sources/fleet/revisions').expect(200);
    expect(revisions.body.items[0]).toMatchObject({ commit, trigger: 'poll' });
  });

  it('refuses bad source bodies with a message per field', async () => {
    const res = await hub.api()
      .post('/api/v1/sources')
      .send({ name: 'bad', url: 'file:///etc', ref: '../x', pollIntervalSeconds: 1 })
      .expect(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['pollIntervalSeconds', 'ref', 'url']);
    await hub.api().post('/api/v1/sources').send({ name: 'creds-in-url', url: 'https://user:pw@example.com/x.git' }).expect(400);
  });

  it('refuses to delete a source that apps use', async () => {
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web' }).expect(201);
    const res = await hub.api().delete('/api/v1/sources/fleet').expect(412);
    expect(res.body.error.message).toContain('used by apps web');
    await hub.api().delete('/api/v1/apps/web').expect(204);
    await hub.api().delete('/api/v1/sources/fleet').expect(204);
  });
});
