import { createServer } from 'node:net';
import { HubApiClient, HubApiError, HubUnreachableError, OPERATIONS } from '@flotilla/api';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The answer as the operation's response schema reads it: equal to the answer when the view declares every field. */
function asDeclared(operationId: keyof typeof OPERATIONS, answer: unknown): unknown {
  return (OPERATIONS[operationId] as { response: z.ZodType }).response.parse(answer);
}

describe('HubApiClient against a real hub', () => {
  let hub: TestHub;
  let git: GitServer;
  let client: HubApiClient;

  beforeAll(async () => {
    [hub, git] = await Promise.all([startTestHub('sqlite'), startGitServer()]);
    await git.createRepository('fleet', { 'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n' });
    client = new HubApiClient({ url: hub.httpUrl, token: hub.adminToken });
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  it('registers, lists, labels and removes clusters; every answer is the view the contract declares', async () => {
    const created = await client.createCluster({ name: 'eu-1', labels: { env: 'prod' } });
    expect(asDeclared('createCluster', created)).toEqual(created);
    expect(created.joinToken).toEqual(expect.any(String));
    const page = await client.listClusters({ selector: 'env=prod' });
    expect(asDeclared('listClusters', page)).toEqual(page);
    expect(page.items.map((c) => c.name)).toEqual(['eu-1']);
    const labelled = await client.updateCluster('eu-1', { labels: { env: 'dev' } });
    expect(labelled.labels).toEqual({ env: 'dev' });
    const joinToken = await client.issueJoinToken('eu-1');
    expect(asDeclared('issueJoinToken', joinToken)).toEqual(joinToken);
    const status = await client.getClusterStatus('eu-1');
    expect(asDeclared('getClusterStatus', status)).toEqual(status);
    await expect(client.revokeClusterCredential('eu-1')).resolves.toBeUndefined();
    await expect(client.deleteCluster('eu-1')).resolves.toBeUndefined();
  });

  it('tracks a source and deploys an app from it, with its status, history, pins and rollouts', async () => {
    const source = await client.createSource({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 });
    expect(asDeclared('createSource', source)).toEqual(source);
    const refreshed = await client.refreshSource('fleet');
    expect(asDeclared('refreshSource', refreshed)).toEqual(refreshed);
    const revisions = await client.listSourceRevisions('fleet');
    expect(asDeclared('listSourceRevisions', revisions)).toEqual(revisions);
    await client.createCluster({ name: 'eu-2' });
    const app = await client.createApp({ name: 'web', source: 'fleet', path: 'web', targets: { clusters: ['eu-2'] } });
    expect(asDeclared('createApp', app)).toEqual(app);
    const updated = await client.updateApp('web', { policy: { rollout: { waveSize: '50%' } } });
    expect(updated.policy.rollout?.waveSize).toBe('50%');
    // The hub renders and assigns in the background: the rollout exists once that is done.
    await hub.app.get(AssignmentsService, { strict: false }).whenIdle();
    for (const [id, answer] of [
      ['listApps', await client.listApps({ source: 'fleet' })],
      ['getAppStatus', await client.getAppStatus('web')],
      ['listAppHistory', await client.listAppHistory('web')],
      ['listAppPins', await client.listAppPins('web')],
      ['listRollouts', await client.listRollouts({ app: 'web' })],
      ['listDrift', await client.listDrift({ app: 'web' })],
      ['listAuditEvents', await client.listAuditEvents({ target: 'app/web' })],
    ] as const) {
      expect(asDeclared(id, answer), id).toEqual(answer);
    }
    const [rollout] = (await client.listRollouts({ app: 'web' })).items;
    expect(rollout).toMatchObject({ app: 'web', kind: 'update', waveCount: 1, progress: { total: 1 } });
    const detail = await client.getRollout(rollout!.id);
    expect(asDeclared('getRollout', detail)).toEqual(detail);
    expect(detail.waves[0]?.clusters.map((c) => c.cluster)).toEqual(['eu-2']);
    const aborted = await client.abortRollout(rollout!.id, { reason: 'testing the client' });
    expect(asDeclared('abortRollout', aborted)).toEqual(aborted);
    expect(aborted.state).toBe('aborted');
    await expect(client.pauseRollout(rollout!.id)).rejects.toMatchObject({ status: 412, code: 'FAILED_PRECONDITION' });
  });

  it('creates, lists and revokes API tokens', async () => {
    const created = await client.createApiToken({ name: 'ci', role: 'operator' });
    expect(asDeclared('createApiToken', created)).toEqual(created);
    const page = await client.listApiTokens();
    expect(asDeclared('listApiTokens', page)).toEqual(page);
    const operator = new HubApiClient({ url: hub.httpUrl, token: created.token });
    await expect(operator.createApiToken({ name: 'sneaky', role: 'admin' })).rejects.toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    await client.deleteApiToken('ci');
    await expect(operator.listClusters()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('throws the hub’s error as HubApiError, with its status, code and details', async () => {
    const missing = await client.getCluster('nowhere').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(HubApiError);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', method: 'GET', path: '/api/v1/clusters/nowhere', isErrorBody: true });
    const invalid = await client.createCluster({ name: 'Not A Name' }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', details: { fields: [{ field: 'name', message: expect.any(String) }] } });
  });

  it('throws HubUnreachableError when nothing answers', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await new HubApiClient({ url, timeoutMs: 2000 }).getLiveness().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubUnreachableError);
    expect(error).toMatchObject({ url, isTimeout: false, reason: 'ECONNREFUSED' });
  });

  it('reads the probes', async () => {
    expect(await client.getLiveness()).toEqual({ status: 'ok' });
    expect(await client.getReadiness()).toEqual({ status: 'ok', database: 'sqlite' });
  });
});
