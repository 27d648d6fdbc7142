import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';

describe.each(TEST_DATABASES)('apps REST API on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    hub = await startTestHub(database);
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201);
    for (const [name, env] of [['eu-1', 'prod'], ['us-1', 'prod'], ['dev-1', 'dev']]) {
      await hub.api().post('/api/v1/clusters').send({ name, labels: { env } }).expect(201);
    }
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  it('creates an app with default policies and a normalised path', async () => {
    const res = await hub.api()
      .post('/api/v1/apps')
      .send({ name: 'web', source: 'fleet', path: './web/', targets: { selector: { matchLabels: { env: 'prod' } }, clusters: ['dev-1'] }, policy: { drift: { mode: 'correct' } } })
      .expect(201);
    expect(res.body).toMatchObject({
      name: 'web',
      source: 'fleet',
      path: 'web',
      namespace: 'default',
      targets: { selector: { matchLabels: { env: 'prod' } }, clusters: ['dev-1'] },
      policy: { prune: true, drift: { mode: 'correct', ignore: [], checkIntervalSeconds: 0 }, health: { timeoutSeconds: 300 }, rollback: { auto: false } },
    });
  });

  it('gives every target cluster an assignment at generation 1', async () => {
    await expect
      .poll(async () => (await hub.api().get('/api/v1/apps/web/status')).body.items.map((i: { cluster: string; desired: { generation: number } }) => [i.cluster, i.desired.generation]))
      .toEqual([['dev-1', 1], ['eu-1', 1], ['us-1', 1]]);
  });

  it('bumps the generation of only the assignments whose desired state changed', async () => {
    await hub.api().patch('/api/v1/apps/web').send({ targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(200);
    await expect
      .poll(async () => (await hub.api().get('/api/v1/apps/web/status')).body.items.map((i: { cluster: string }) => i.cluster))
      .toEqual(['eu-1', 'us-1']);
    await hub.api().patch('/api/v1/clusters/eu-1').send({ labels: { env: 'prod', tier: 'gold' } }).expect(200);
    await expect
      .poll(async () => (await hub.api().get('/api/v1/apps/web/status')).body.items.map((i: { desired: { generation: number } }) => i.desired.generation))
      .toEqual([2, 1]);
  });

  it('merges policy changes with what is stored', async () => {
    const res = await hub.api().patch('/api/v1/apps/web').send({ policy: { health: { timeoutSeconds: 60 } } }).expect(200);
    expect(res.body.policy).toMatchObject({ drift: { mode: 'correct' }, health: { timeoutSeconds: 60 } });
  });

  it('refuses paths that leave the repository, unknown sources and bad selectors', async () => {
    const res = await hub.api()
      .post('/api/v1/apps')
      .send({ name: 'bad', source: 'fleet', path: '../etc', targets: { selector: { matchExpressions: [{ key: 'env', operator: 'In' }] } }, variables: { 'cluster.name': 'x' } })
      .expect(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['path', 'targets.selector', 'variables.cluster.name']);
    await hub.api().post('/api/v1/apps').send({ name: 'abs', source: 'fleet', path: '/etc' }).expect(400);
    const missing = await hub.api().post('/api/v1/apps').send({ name: 'lost', source: 'nowhere' }).expect(400);
    expect(missing.body.error.message).toContain('source "nowhere" does not exist');
    await hub.api().get('/api/v1/apps/bad').expect(404);
  });

  it('refuses a duplicate app with 409 and an unknown one with 404', async () => {
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet' }).expect(409);
    await hub.api().patch('/api/v1/apps/nothing').send({ path: 'x' }).expect(404);
    await hub.api().get('/api/v1/apps/nothing/status').expect(404);
    await hub.api().get('/api/v1/apps/nothing/history').expect(404);
  });

  it('lists apps page by page', async () => {
    await hub.api().post('/api/v1/apps').send({ name: 'api', source: 'fleet' }).expect(201);
    const first = await hub.api().get('/api/v1/apps').query({ limit: 1 }).expect(200);
    expect(first.body.items.map((a: { name: string }) => a.name)).toEqual(['api']);
    const second = await hub.api().get('/api/v1/apps').query({ limit: 1, continue: first.body.continue }).expect(200);
    expect(second.body.items.map((a: { name: string }) => a.name)).toEqual(['web']);
  });

  it('removes an app from its clusters when it is deleted', async () => {
    await hub.api().delete('/api/v1/apps/web').expect(204);
    await hub.api().get('/api/v1/apps/web').expect(404);
    const audit = await hub.api().get('/api/v1/audit').query({ target: 'app/web' }).expect(200);
    expect(audit.body.items.map((e: { action: string; result: string }) => `${e.action} ${e.result}`)).toEqual([
      'app.delete success',
      'app.create failure', // the duplicate refused with 409
      'app.update success',
      'app.update success',
      'app.create success',
    ]);
  });
});
