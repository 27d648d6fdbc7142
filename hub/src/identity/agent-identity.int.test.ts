import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { createTestCertificates, type TestCertificates } from '@flotilla/testenv';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHubState } from '../testing/hub-state.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const joinError = (promise: Promise<string>): Promise<grpc.ServiceError> =>
  promise.then(
    () => {
      throw new Error('Join succeeded');
    },
    (error: grpc.ServiceError) => error,
  );

describe('agent identity', () => {
  let hub: TestHub;
  const agents: TestAgent[] = [];
  const connect = (credential: string, cluster = 'eu-1'): TestAgent => {
    const agent = TestAgent.connect(hub.grpcAddress, credential, cluster);
    agents.push(agent);
    return agent;
  };
  const register = async (name: string): Promise<string> => (await hub.api().post('/api/v1/clusters').send({ name }).expect(201)).body.joinToken;

  beforeAll(async () => {
    hub = await startTestHub('sqlite', { FLOTILLA_CREDENTIAL_GRACE_SECONDS: '2', FLOTILLA_HEARTBEAT_TIMEOUT_MS: '60000' });
  });
  afterAll(async () => {
    for (const agent of agents) await agent.close().catch(() => undefined);
    await hub?.stop();
  });

  it('exchanges a join token for a credential once, and stores both only as hashes', async () => {
    const joinToken = await register('eu-1');
    const credential = await TestAgent.join(hub.grpcAddress, joinToken, 'eu-1');
    expect(credential).toMatch(/^flc_[A-Za-z0-9_-]{43}$/);
    const again = await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'eu-1'));
    expect(again.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(again.details).toContain('unknown or already used join token');
    const rows = (await hub.app.get(DataSource).query('SELECT * FROM "cluster_credentials" WHERE "clusterName" = \'eu-1\'')) as Array<{ hash: string; kind: string }>;
    expect(rows).toEqual([expect.objectContaining({ hash: sha256(credential), kind: 'agent' })]);
    expect(JSON.stringify(rows)).not.toContain(credential);
    const agent = connect(credential);
    await agent.next((m) => Boolean(m.assignmentsComplete));
    const audit = await hub.api().get('/api/v1/audit').query({ action: 'cluster.join' }).expect(200);
    expect(audit.body.items.map((e: { result: string; actor: string }) => `${e.actor} ${e.result}`)).toEqual(['agent:eu-1 failure', 'agent:eu-1 success']);
    await agent.close();
  });

  it('refuses a join token as a stream credential', async () => {
    const joinToken = await register('us-1');
    const status = await connect(joinToken, 'us-1').ended();
    expect(status.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(status.details).toContain('this is a join token');
  });

  it("refuses another cluster's join token without using it up", async () => {
    const joinToken = await register('ap-1');
    const before = await readHubState(hub);
    const error = await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'us-1'));
    expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(error.details).toBe('the join token was not issued for cluster "us-1"');
    expect(await readHubState(hub)).toEqual(before);
    await TestAgent.join(hub.grpcAddress, joinToken, 'ap-1');
  });

  it('refuses wrong, expired and malformed join requests, changing nothing', async () => {
    const joinToken = await register('sa-1');
    await hub.app.get(DataSource).query('UPDATE "cluster_credentials" SET "expiresAt" = 1 WHERE "hash" = ?', [sha256(joinToken)]);
    const before = await readHubState(hub);
    const expired = await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'sa-1'));
    expect({ code: expired.code, details: expired.details }).toEqual({
      code: grpc.status.UNAUTHENTICATED,
      details: 'the join token expired at 1970-01-01T00:00:00.001Z; issue a new one with POST /api/v1/clusters/sa-1/join-token',
    });
    expect((await joinError(TestAgent.join(hub.grpcAddress, 'flj_made-up', 'sa-1'))).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await joinError(TestAgent.join(hub.grpcAddress, '', 'sa-1'))).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'Not A Name'))).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await joinError(TestAgent.join(hub.grpcAddress, 'x'.repeat(5000), 'sa-1'))).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await readHubState(hub)).toEqual(before);
    // A new join token replaces the expired one.
    const fresh = await hub.api().post('/api/v1/clusters/sa-1/join-token').expect(201);
    expect(Date.parse(fresh.body.expiresAt)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    await TestAgent.join(hub.grpcAddress, fresh.body.joinToken, 'sa-1');
  });

  it('rotates a credential over the stream: the old one works for the grace period, then it and its stream are refused', async () => {
    const credential = await TestAgent.join(hub.grpcAddress, await hub.api().post('/api/v1/clusters/eu-1/join-token').expect(201).then((r) => r.body.joinToken), 'eu-1');
    const agent = connect(credential);
    await agent.next((m) => Boolean(m.assignmentsComplete));
    const res = await hub.api().post('/api/v1/clusters/eu-1/credential/rotate').expect(200);
    const { credentialRotation } = await agent.next((m) => Boolean(m.credentialRotation));
    expect(credentialRotation?.credential).toMatch(/^flc_/);
    expect(new Date(Number(credentialRotation?.previousExpiresAt?.seconds) * 1000).toISOString().slice(0, 19)).toBe(res.body.previousExpiresAt.slice(0, 19));
    // Within the grace period the old credential still opens a stream (which replaces the first).
    const old = connect(credential);
    await old.next((m) => Boolean(m.assignmentsComplete));
    const closed = await old.ended(5000);
    expect(closed.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(closed.details).toContain('expired');
    const refused = await connect(credential).ended();
    expect(refused.details).toContain('cluster credential expired');
    const renewed = connect(credentialRotation?.credential as string);
    await renewed.next((m) => Boolean(m.assignmentsComplete));
    await renewed.close();
  });

  it('refuses a rotation when the agent is not connected, changing nothing', async () => {
    const before = await readHubState(hub);
    const res = await hub.api().post('/api/v1/clusters/ap-1/credential/rotate').expect(412);
    expect(res.body.error.message).toContain('is not connected');
    await hub.api().post('/api/v1/clusters/nowhere/credential/rotate').expect(404);
    expect(await readHubState(hub)).toEqual(before);
  });

  it("revokes a cluster's credentials at once, closing its open stream; a new join token lets it back in", async () => {
    const credential = await TestAgent.join(hub.grpcAddress, (await hub.api().post('/api/v1/clusters/us-1/join-token').expect(201)).body.joinToken, 'us-1');
    const agent = connect(credential, 'us-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    const started = Date.now();
    await hub.api().delete('/api/v1/clusters/us-1/credential').expect(204);
    const status = await agent.ended(2000);
    expect(status).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'the credential of cluster "us-1" was revoked' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await connect(credential, 'us-1').ended()).details).toBe('unknown or revoked cluster credential');
    const rejoined = await TestAgent.join(hub.grpcAddress, (await hub.api().post('/api/v1/clusters/us-1/join-token').expect(201)).body.joinToken, 'us-1');
    const back = connect(rejoined, 'us-1');
    await back.next((m) => Boolean(m.assignmentsComplete));
    await back.close();
    const audit = await hub.api().get('/api/v1/audit').query({ target: 'cluster/us-1' }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('cluster.credential.delete');
  });

  it('closes a stream whose credential was revoked by another hub replica, within seconds', async () => {
    const credential = await TestAgent.join(hub.grpcAddress, (await hub.api().post('/api/v1/clusters/us-1/join-token').expect(201)).body.joinToken, 'us-1');
    const agent = connect(credential, 'us-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    // What a revocation on another replica leaves behind: the row is gone, and no event reached this replica.
    await hub.app.get(DataSource).query('DELETE FROM "cluster_credentials" WHERE "hash" = ?', [sha256(credential)]);
    const status = await agent.ended(8000);
    expect(status).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'the credential of cluster "us-1" was revoked' });
  });

  it('forgets the credentials of a removed cluster', async () => {
    await hub.api().delete('/api/v1/clusters/ap-1').expect(204);
    const rows = await hub.app.get(DataSource).query('SELECT * FROM "cluster_credentials" WHERE "clusterName" = \'ap-1\'');
    expect(rows).toEqual([]);
  });
});

describe('join rate limit', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('sqlite', { FLOTILLA_JOIN_RATE_LIMIT: '3' });
  });
  afterAll(() => hub?.stop());

  it('refuses join attempts past the rate of one client address, even with a good token, which stays unused', async () => {
    const joinToken = (await hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201)).body.joinToken;
    for (let i = 0; i < 3; i++) expect((await joinError(TestAgent.join(hub.grpcAddress, `flj_guess-${i}`, 'eu-1'))).code).toBe(grpc.status.UNAUTHENTICATED);
    const before = await readHubState(hub);
    const limited = await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'eu-1'));
    expect(limited.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(limited.details).toMatch(/^too many join attempts from 127\.0\.0\.1; retry in \d+ s$/);
    expect(await readHubState(hub)).toEqual(before);
  });
});

describe('agent stream over TLS', () => {
  let certificates: TestCertificates;
  let other: TestCertificates;
  let hub: TestHub;
  let mutual: TestHub;

  beforeAll(async () => {
    [certificates, other] = await Promise.all([createTestCertificates(), createTestCertificates({ clientName: 'intruder' })]);
    const tls = { FLOTILLA_GRPC_TLS_CERT: certificates.server.certPath, FLOTILLA_GRPC_TLS_KEY: certificates.server.keyPath };
    [hub, mutual] = await Promise.all([startTestHub('sqlite', tls), startTestHub('sqlite', { ...tls, FLOTILLA_GRPC_TLS_CLIENT_CA: certificates.ca.certPath })]);
  });
  afterAll(async () => {
    await hub?.stop();
    await mutual?.stop();
    await certificates?.remove();
    await other?.remove();
  });

  const trusting = (ca: TestCertificates, client?: TestCertificates) =>
    grpc.credentials.createSsl(Buffer.from(ca.ca.cert), client ? Buffer.from(client.client.key) : null, client ? Buffer.from(client.client.cert) : null);

  it('serves the hub certificate: clients trusting its CA join and connect, plaintext and other CAs fail', async () => {
    const joinToken = (await hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201)).body.joinToken;
    const before = await readHubState(hub);
    expect((await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'eu-1', grpc.credentials.createInsecure()))).code).toBe(grpc.status.UNAVAILABLE);
    expect((await joinError(TestAgent.join(hub.grpcAddress, joinToken, 'eu-1', trusting(other)))).code).toBe(grpc.status.UNAVAILABLE);
    expect(await readHubState(hub)).toEqual(before);
    const credential = await TestAgent.join(hub.grpcAddress, joinToken, 'eu-1', trusting(certificates));
    const agent = TestAgent.connect(hub.grpcAddress, credential, 'eu-1', trusting(certificates));
    await agent.next((m) => Boolean(m.assignmentsComplete));
    await agent.close();
  });

  it('asks for a client certificate signed by the client CA with mutual TLS', async () => {
    const joinToken = (await mutual.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201)).body.joinToken;
    const before = await readHubState(mutual);
    expect((await joinError(TestAgent.join(mutual.grpcAddress, joinToken, 'eu-1', trusting(certificates)))).code).toBe(grpc.status.UNAVAILABLE);
    expect((await joinError(TestAgent.join(mutual.grpcAddress, joinToken, 'eu-1', trusting(certificates, other)))).code).toBe(grpc.status.UNAVAILABLE);
    expect(await readHubState(mutual)).toEqual(before);
    const credential = await TestAgent.join(mutual.grpcAddress, joinToken, 'eu-1', trusting(certificates, certificates));
    const agent = TestAgent.connect(mutual.grpcAddress, credential, 'eu-1', trusting(certificates, certificates));
    await agent.next((m) => Boolean(m.assignmentsComplete));
    await agent.close();
  });
});
