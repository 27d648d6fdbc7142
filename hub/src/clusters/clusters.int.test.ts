import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';

describe.each(TEST_DATABASES)('clusters REST API on %s', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database);
  });
  afterAll(() => hub?.stop());

  it('registers a cluster and returns its join token once', async () => {
    const res = await hub.api().post('/api/v1/clusters').send({ name: 'eu-1', labels: { env: 'prod', region: 'eu' } }).expect(201);
    expect(res.body).toMatchObject({ name: 'eu-1', labels: { env: 'prod', region: 'eu' }, connected: false });
    expect(res.body.joinToken).toMatch(/^flj_[A-Za-z0-9_-]{40,}$/);
    const again = await hub.api().get('/api/v1/clusters/eu-1').expect(200);
    expect(again.body.joinToken).toBeUndefined();
    expect(JSON.stringify(again.body)).not.toContain('credential');
  });

  it('refuses a second cluster of the same name with 409', async () => {
    const res = await hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(409);
    expect(res.body.error).toMatchObject({ code: 'ALREADY_EXISTS', message: 'cluster "eu-1" already exists' });
  });

  it('answers a bad body with 400 and a message per field', async () => {
    const res = await hub.api().post('/api/v1/clusters').send({ name: 'Bad_Name', labels: { 'bad key': 1 }, extra: true }).expect(400);
    expect(res.body.error.code).toBe('INVALID_ARGUMENT');
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'labels.bad key', '(body)']));
  });

  it('answers malformed JSON with 400', async () => {
    const res = await hub.api().post('/api/v1/clusters').set('content-type', 'application/json').send('{"name": ').expect(400);
    expect(res.body.error.message).toContain('not valid JSON');
  });

  it('lists clusters filtered by a label selector, page by page', async () => {
    for (const [name, env] of [['us-1', 'prod'], ['dev-1', 'dev'], ['us-2', 'prod']]) {
      await hub.api().post('/api/v1/clusters').send({ name, labels: { env } }).expect(201);
    }
    const prod = await hub.api().get('/api/v1/clusters').query({ selector: 'env=prod' }).expect(200);
    expect(prod.body.items.map((c: { name: string }) => c.name)).toEqual(['eu-1', 'us-1', 'us-2']);
    const first = await hub.api().get('/api/v1/clusters').query({ limit: 2 }).expect(200);
    expect(first.body.items.map((c: { name: string }) => c.name)).toEqual(['dev-1', 'eu-1']);
    const second = await hub.api().get('/api/v1/clusters').query({ limit: 2, continue: first.body.continue }).expect(200);
    expect(second.body.items.map((c: { name: string }) => c.name)).toEqual(['us-1', 'us-2']);
    expect(second.body.continue).toBeUndefined();
    const bad = await hub.api().get('/api/v1/clusters').query({ selector: 'env in (prod' }).expect(400);
    expect(bad.body.error.message).toContain('unbalanced');
  });

  it('replaces labels and removes clusters, answering 404 for unknown names', async () => {
    await hub.api().patch('/api/v1/clusters/dev-1').send({ labels: { env: 'staging' } }).expect(200);
    expect((await hub.api().get('/api/v1/clusters/dev-1')).body.labels).toEqual({ env: 'staging' });
    await hub.api().delete('/api/v1/clusters/dev-1').expect(204);
    const res = await hub.api().get('/api/v1/clusters/dev-1').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('records each change in the audit log', async () => {
    const res = await hub.api().get('/api/v1/audit').query({ target: 'cluster/dev-1' }).expect(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['cluster.delete', 'cluster.update', 'cluster.create']);
  });

  it('serves its OpenAPI document', async () => {
    const res = await hub.api().get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/clusters', '/api/v1/clusters/{name}', '/api/v1/audit']));
  });
});

describe('REST body limits', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('sqlite', { FLOTILLA_MAX_BODY_BYTES: '2048' });
  });
  afterAll(() => hub?.stop());

  it('answers an oversized body with 413 and registers nothing', async () => {
    const labels = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'.repeat(20)]));
    const res = await hub.api().post('/api/v1/clusters').send({ name: 'big', labels }).expect(413);
    expect(res.body.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', message: 'request body is larger than the limit of 2048 bytes' });
    await hub.api().get('/api/v1/clusters/big').expect(404);
  });
});
