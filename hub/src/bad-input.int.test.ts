import * as grpc from '@grpc/grpc-js';
import { Phase, type StatusReport } from '@flotilla/proto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from './sources/webhook-signature.js';
import { readHubState } from './testing/hub-state.js';
import { startTestHub, TEST_DATABASES, type TestHub } from './testing/start-test-hub.js';
import { syncedReport, TestAgent } from './testing/test-agent.js';

const WEBHOOK_SECRET = 'bad-input-webhook-secret';

/** A status report of app `web`, with fields overridden. */
const report = (fields: Partial<StatusReport>): StatusReport =>
  syncedReport({ reportId: `r-${Math.random()}`, app: 'web', generation: 1, revision: 'main@sha1:' + 'a'.repeat(40), ...fields });

// Every case: the request is refused with a clear error, and the state tables are exactly as before.
describe.each(TEST_DATABASES)('bad input changes nothing on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let credential: string;
  let before: Record<string, unknown[]>;

  /** Sends a request, checks status and error code, and that no state changed. */
  const refused = async (
    send: ReturnType<TestHub['api']>['post'] extends (url: string) => infer T ? (api: ReturnType<TestHub['api']>) => T : never,
    status: number,
    code: string,
  ): Promise<{ message: string; details?: { fields?: Array<{ field: string; message: string }> } }> => {
    const res = await send(hub.api());
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(await readHubState(hub)).toEqual(before);
    return res.body.error;
  };

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    hub = await startTestHub(database, { FLOTILLA_MAX_BODY_BYTES: '16384', FLOTILLA_GRPC_MAX_MESSAGE_BYTES: '65536', FLOTILLA_POLL_TICK_MS: '60000' });
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 86_400, webhookSecret: WEBHOOK_SECRET }).expect(201);
    const joinToken = (await hub.api().post('/api/v1/clusters').send({ name: 'eu-1', labels: { env: 'prod' } }).expect(201)).body.joinToken;
    await hub.api().post('/api/v1/clusters').send({ name: 'us-1', labels: { env: 'dev' } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(201);
    credential = await TestAgent.join(hub.grpcAddress, joinToken, 'eu-1');
    // The assignment is computed in the background; the cases below compare state, so wait for it to settle.
    for (let i = 0; i < 100 && (await hub.api().get('/api/v1/apps/web/status')).body.items?.length !== 1; i++) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  // Taken before each case, after anything the previous one legitimately did.
  const snapshot = async (): Promise<void> => {
    before = await readHubState(hub);
  };

  describe('REST bodies', () => {
    it('refuses wrong types with a message per field', async () => {
      await snapshot();
      const error = await refused((api) => api.post('/api/v1/clusters').send({ name: 5, labels: 'prod' }), 400, 'INVALID_ARGUMENT');
      expect(error.details?.fields?.map((f) => f.field).sort()).toEqual(['labels', 'name']);
      await refused((api) => api.patch('/api/v1/apps/web').send({ variables: { replicas: 3 }, policy: { prune: 'yes' } }), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.post('/api/v1/apps').send([{ name: 'web' }]), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.post('/api/v1/tokens').send({ name: 'ci', role: 'root' }), 400, 'INVALID_ARGUMENT');
    });

    it('refuses unknown fields, naming them', async () => {
      await snapshot();
      const error = await refused((api) => api.post('/api/v1/sources').send({ name: 'other', url: git.repoUrl('fleet'), branch: 'main' }), 400, 'INVALID_ARGUMENT');
      expect(error.message).toContain('branch');
      await refused((api) => api.patch('/api/v1/clusters/eu-1').send({ labels: {}, name: 'renamed' }), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.post('/api/v1/apps').send({ name: 'x', source: 'fleet', policy: { prune: true, force: true } }), 400, 'INVALID_ARGUMENT');
    });

    it('refuses an oversized body with 413 before reading it', async () => {
      await snapshot();
      const labels = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'.repeat(20)]));
      const error = await refused((api) => api.patch('/api/v1/clusters/eu-1').send({ labels }), 413, 'RESOURCE_EXHAUSTED');
      expect(error.message).toBe('request body is larger than the limit of 16384 bytes');
    });

    it('refuses bodies that are not JSON objects: malformed, another content type, nested too deep, prototype keys', async () => {
      await snapshot();
      await refused((api) => api.post('/api/v1/clusters').set('content-type', 'application/json').send('{"name": "x",'), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.post('/api/v1/clusters').set('content-type', 'text/plain').send('name=x'), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.post('/api/v1/clusters').set('content-type', 'application/json').send(`${'['.repeat(5000)}${']'.repeat(5000)}`), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.post('/api/v1/clusters').set('content-type', 'application/json').send('{"name":"x","__proto__":{"polluted":true}}'), 400, 'INVALID_ARGUMENT');
      const error = await refused((api) => api.post('/api/v1/clusters').set('content-type', 'application/json').send('{"name":"x","labels":{"__proto__":"y"}}'), 400, 'INVALID_ARGUMENT');
      expect(error.message).toContain('"__proto__" is not allowed');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('characters a database cannot store and integers out of range', () => {
    it('refuses a NUL character in a body string or key, naming the field', async () => {
      await snapshot();
      let error = await refused((api) => api.post('/api/v1/clusters').send({ name: '\u0000' }), 400, 'INVALID_ARGUMENT');
      expect(error.details?.fields).toEqual([{ field: 'name', message: 'must not contain the NUL character (U+0000)' }]);
      error = await refused((api) => api.patch('/api/v1/clusters/eu-1').send({ labels: { env: 'prod', 'tier\u0000': 'web' } }), 400, 'INVALID_ARGUMENT');
      expect(error.details?.fields?.map((f) => f.field)).toEqual(['labels.tier\\u0000']);
      error = await refused((api) => api.patch('/api/v1/apps/web').send({ variables: { greeting: 'a\u0000b' } }), 400, 'INVALID_ARGUMENT');
      expect(error.message).toBe('invalid request body: variables.greeting: must not contain the NUL character (U+0000)');
      error = await refused((api) => api.post('/api/v1/apps').send({ name: 'other', source: 'fleet', targets: { clusters: ['eu-1', 'eu-1\u0000'] } }), 400, 'INVALID_ARGUMENT');
      expect(error.details?.fields?.map((f) => f.field)).toEqual(['targets.clusters.1']);
    });

    it('refuses a NUL character in a path parameter or query value, naming it', async () => {
      await snapshot();
      for (const path of ['/api/v1/apps/a%00b', '/api/v1/clusters/a%00b/status', '/api/v1/sources/a%00b/revisions', '/api/v1/tokens/a%00b']) {
        const error = await refused((api) => api.get(path), 400, 'INVALID_ARGUMENT');
        expect(error.message, path).toBe('invalid path parameter: name: must not contain the NUL character (U+0000)');
      }
      await refused((api) => api.delete('/api/v1/clusters/a%00b'), 400, 'INVALID_ARGUMENT');
      const error = await refused((api) => api.get('/api/v1/drift?app=a%00b'), 400, 'INVALID_ARGUMENT');
      expect(error.details?.fields).toEqual([{ field: 'app', message: 'must not contain the NUL character (U+0000)' }]);
      await refused((api) => api.get('/api/v1/audit?actor=%00'), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.get('/api/v1/clusters?selector=env%3D%00'), 400, 'INVALID_ARGUMENT');
    });

    it('refuses a NUL character in the webhook path, which needs no token', async () => {
      await snapshot();
      const body = JSON.stringify({ ref: 'refs/heads/main' });
      const error = await refused(
        (api) => api.post('/api/v1/webhooks/a%00b').set('content-type', 'application/json').set('x-hub-signature-256', signWebhookBody(WEBHOOK_SECRET, body)).send(body),
        400,
        'INVALID_ARGUMENT',
      );
      expect(error.message).toBe('invalid path parameter: source: must not contain the NUL character (U+0000)');
    });

    it('refuses continue tokens the hub never gave out', async () => {
      await snapshot();
      const token = (key: string): string => Buffer.from(key).toString('base64url');
      for (const path of ['/api/v1/clusters', '/api/v1/apps', '/api/v1/sources', '/api/v1/tokens', '/api/v1/drift']) {
        const error = await refused((api) => api.get(path).query({ continue: token('a\u0000b') }), 400, 'INVALID_ARGUMENT');
        expect(error.details?.fields?.map((f) => f.field), path).toEqual(['continue']);
      }
      for (const path of ['/api/v1/audit', '/api/v1/rollouts', '/api/v1/sources/fleet/revisions', '/api/v1/apps/web/history']) {
        for (const key of ['2147483648', '-1', 'abc', '1e3', '99999999999999999999']) {
          const error = await refused((api) => api.get(path).query({ continue: token(key) }), 400, 'INVALID_ARGUMENT');
          expect(error.details?.fields?.map((f) => f.field), `${path} ${key}`).toEqual(['continue']);
        }
      }
    });

    it('refuses rollout ids outside 1..2147483647, the int32 of the contract, as bad input', async () => {
      await snapshot();
      for (const id of ['2147483648', '0', '-1', '99999999999999999999', '1.5', 'abc']) {
        const error = await refused((api) => api.get(`/api/v1/rollouts/${id}`), 400, 'INVALID_ARGUMENT');
        expect(error.message, id).toBe('invalid path parameter: id: must be an integer from 1 to 2147483647');
        await refused((api) => api.post(`/api/v1/rollouts/${id}/pause`).send({}), 400, 'INVALID_ARGUMENT');
      }
      await refused((api) => api.get('/api/v1/rollouts/2147483647'), 404, 'NOT_FOUND');
    });
  });

  it('refuses malformed label selectors, in queries and in app targets', async () => {
    await snapshot();
    for (const selector of ['env in (prod', 'env notin prod', '!', 'env=a=b', 'tier in (web,)x', 'a b', ',env',  `${'k'.repeat(64)}=v`, 'env=' + 'v'.repeat(64)]) {
      await refused((api) => api.get('/api/v1/clusters').query({ selector }), 400, 'INVALID_ARGUMENT');
    }
    await refused((api) => api.get('/api/v1/clusters').query({ selector: 'x'.repeat(2000) }), 400, 'INVALID_ARGUMENT');
    await refused((api) => api.get('/api/v1/clusters?selector=env%3Dprod&selector=env%3Ddev'), 400, 'INVALID_ARGUMENT');
    const bad = [
      { matchLabels: { 'bad key': 'x' } },
      { matchExpressions: [{ key: 'env', operator: 'In' }] },
      { matchExpressions: [{ key: 'env', operator: 'Exists', values: ['x'] }] },
      { matchExpressions: [{ key: 'env', operator: 'Like', values: ['x'] }] },
    ];
    for (const selector of bad) {
      await refused((api) => api.post('/api/v1/apps').send({ name: 'other', source: 'fleet', targets: { selector } }), 400, 'INVALID_ARGUMENT');
      await refused((api) => api.patch('/api/v1/apps/web').send({ targets: { selector } }), 400, 'INVALID_ARGUMENT');
    }
  });

  it('refuses app paths that would leave the repository', async () => {
    await snapshot();
    for (const path of ['..', '../etc', 'web/../../etc', '/etc', '/', 'web\\..\\..', 'web\0', './../x']) {
      const error = await refused((api) => api.post('/api/v1/apps').send({ name: 'escape', source: 'fleet', path }), 400, 'INVALID_ARGUMENT');
      expect(error.details?.fields?.map((f) => f.field)).toEqual(['path']);
      await refused((api) => api.patch('/api/v1/apps/web').send({ path }), 400, 'INVALID_ARGUMENT');
    }
  });

  it('refuses Git URLs that are not plain http(s) repository URLs, without repeating a password', async () => {
    await snapshot();
    const urls = [
      'file:///etc/passwd',
      'ssh://git@example.com/fleet.git',
      'git@example.com:org/fleet.git',
      'git://example.com/fleet.git',
      'javascript:alert(1)',
      'https://user:hunter2@example.com/fleet.git',
      'https://example.com/fleet.git?upload-pack=x',
      'https://example.com/fleet.git#main',
      ' https://example.com/fleet.git',
      'https://example.com/fleet.git\nX-Injected: 1',
      `https://example.com/${'a'.repeat(2048)}`,
      '',
    ];
    for (const url of urls) {
      const error = await refused((api) => api.post('/api/v1/sources').send({ name: 'other', url }), 400, 'INVALID_ARGUMENT');
      expect(JSON.stringify(error)).not.toContain('hunter2');
      await refused((api) => api.patch('/api/v1/sources/fleet').send({ url }), 400, 'INVALID_ARGUMENT');
    }
  });

  describe('gRPC messages', () => {
    it('refuses a stream that names another cluster than its credential, or an unknown cluster', async () => {
      await snapshot();
      for (const cluster of ['us-1', 'nowhere']) {
        const agent = TestAgent.connect(hub.grpcAddress, credential, cluster);
        expect((await agent.ended()).code).toBe(grpc.status.PERMISSION_DENIED);
        await agent.close();
      }
      const joinUnknown = await TestAgent.join(hub.grpcAddress, 'flj_made-up', 'nowhere').catch((error: grpc.ServiceError) => error);
      expect((joinUnknown as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
      expect(await readHubState(hub)).toEqual(before);
    });

    it('closes a stream that sends an oversized message, storing nothing of it', async () => {
      await snapshot();
      const agent = TestAgent.connect(hub.grpcAddress, credential, 'eu-1');
      await agent.next((m) => Boolean(m.assignmentsComplete));
      agent.send({ status: report({ errors: [{ code: 'X', message: 'x'.repeat(100_000), file: '', line: 0 }] }) });
      const status = await agent.ended();
      expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      await agent.close();
      expect(await readHubState(hub)).toEqual(before);
    });

    it('ignores acks and reports of generations the hub never issued, and reports too large for storage', async () => {
      await snapshot();
      const agent = TestAgent.connect(hub.grpcAddress, credential, 'eu-1');
      await agent.next((m) => Boolean(m.assignmentsComplete));
      agent.send({ ack: { app: 'web', generation: 99 } });
      agent.send({ ack: { app: 'not-assigned', generation: 1 } });
      agent.send({ status: report({ generation: 99 }) });
      agent.send({ status: report({ revision: 'r'.repeat(1000) }) });
      agent.send({ status: report({ app: 'not-assigned' }) });
      agent.send({ heartbeat: { sequence: 1 } });
      await agent.next((m) => m.heartbeatAck?.sequence === 1);
      expect(agent.status).toBeUndefined();
      await agent.close();
      expect(await readHubState(hub)).toEqual(before);
    });

    it('ignores a report older than the one stored', async () => {
      const agent = TestAgent.connect(hub.grpcAddress, credential, 'eu-1');
      await agent.next((m) => Boolean(m.assignmentsComplete));
      await hub.api().patch('/api/v1/apps/web').send({ variables: { bump: '1' } }).expect(200);
      await agent.next((m) => m.assignment?.generation === 2);
      agent.send({ status: report({ generation: 2, reportId: 'current' }) });
      agent.send({ ack: { app: 'web', generation: 2 } });
      await expect.poll(async () => (await hub.api().get('/api/v1/apps/web/status')).body.items[0].applied?.generation).toBe(2);
      await expect.poll(async () => (await hub.app.get(DataSource).query('SELECT "ackedGeneration" FROM "assignments"'))[0].ackedGeneration).toSatisfy((g) => Number(g) === 2);
      await snapshot();
      agent.send({ status: report({ generation: 1, reportId: 'stale', phase: Phase.PHASE_FAILED }) });
      agent.send({ ack: { app: 'web', generation: 1 } });
      agent.send({ heartbeat: { sequence: 2 } });
      await agent.next((m) => m.heartbeatAck?.sequence === 2);
      await agent.close();
      expect(await readHubState(hub)).toEqual(before);
    });
  });

  it('refuses webhook payloads with a bad signature', async () => {
    await snapshot();
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    for (const signature of [undefined, 'sha256=', 'sha1=abc', signWebhookBody('another-secret-entirely', body), `${signWebhookBody(WEBHOOK_SECRET, body)}00`]) {
      const send = (api: ReturnType<TestHub['api']>) => {
        const test = api.post('/api/v1/webhooks/fleet').set('content-type', 'application/json');
        return (signature === undefined ? test : test.set('x-hub-signature-256', signature)).send(body);
      };
      await refused(send, 401, 'UNAUTHENTICATED');
    }
    await refused((api) => api.post('/api/v1/webhooks/fleet').set('content-type', 'application/json').set('x-hub-signature-256', signWebhookBody(WEBHOOK_SECRET, body)).send(`${body} `), 401, 'UNAUTHENTICATED');
  });
});
