import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentCommands } from '../agents/agent-commands.service.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';

interface AuditItem {
  actor: string;
  action: string;
  target: string;
  result: string;
  details: Record<string, unknown>;
}

describe('the audit log', () => {
  let git: GitServer;
  let hub: TestHub;
  let viewer: string;
  let operator: string;
  const newest = async (count: number): Promise<string[]> => {
    const res = await hub.api().get('/api/v1/audit').query({ limit: count }).expect(200);
    return (res.body.items as AuditItem[]).map((e) => `${e.actor} ${e.action} ${e.target} ${e.result}`).reverse();
  };

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    hub = await startTestHub('sqlite');
    viewer = (await hub.api().post('/api/v1/tokens').send({ name: 'viewer', role: 'viewer' }).expect(201)).body.token;
    operator = (await hub.api().post('/api/v1/tokens').send({ name: 'ops', role: 'operator' }).expect(201)).body.token;
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  it('records every mutating REST call with actor, action, target and result, refused ones included', async () => {
    const calls: Array<[() => PromiseLike<unknown>, string]> = [
      [() => hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201), 'token:admin cluster.create cluster/eu-1 success'],
      [() => hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(409), 'token:admin cluster.create cluster/eu-1 failure'],
      [() => hub.api().patch('/api/v1/clusters/nowhere').send({ labels: {} }).expect(404), 'token:admin cluster.update cluster/nowhere failure'],
      [() => hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201), 'token:admin source.create source/fleet success'],
      [() => hub.api(operator).post('/api/v1/sources/fleet/refresh').expect(200), 'token:ops source.refresh source/fleet success'],
      [() => hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: '../x' }).expect(400), 'token:admin app.create app/web failure'],
      [() => hub.api(viewer).delete('/api/v1/clusters/eu-1').expect(403), 'token:viewer cluster.delete cluster/eu-1 failure'],
      [() => hub.api(null).delete('/api/v1/clusters/eu-1').expect(401), 'anonymous cluster.delete cluster/eu-1 failure'],
      [() => hub.api().post('/api/v1/clusters/eu-1/join-token').expect(201), 'token:admin cluster.join-token cluster/eu-1 success'],
      [() => hub.api().post('/api/v1/tokens').send({ name: 'ci', role: 'viewer' }).expect(201), 'token:admin token.create token/ci success'],
      [() => hub.api().delete('/api/v1/tokens/ci').expect(204), 'token:admin token.delete token/ci success'],
    ];
    for (const [call, expected] of calls) {
      await call();
      expect(await newest(1)).toEqual([expected]);
    }
    const refused = (await hub.api().get('/api/v1/audit').query({ actor: 'token:viewer' }).expect(200)).body.items[0] as AuditItem;
    expect(refused.details).toEqual({ code: 'PERMISSION_DENIED', message: 'API token "viewer" has role viewer; DELETE /api/v1/clusters/eu-1 needs admin' });
  });

  it('records stream commands: joins, rotations, revocations, commands sent and their results', async () => {
    const joinToken = (await hub.api().post('/api/v1/clusters/eu-1/join-token').expect(201)).body.joinToken;
    await TestAgent.join(hub.grpcAddress, 'flj_wrong', 'eu-1').catch(() => undefined);
    const credential = await TestAgent.join(hub.grpcAddress, joinToken, 'eu-1');
    const agent = TestAgent.connect(hub.grpcAddress, credential, 'eu-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    await hub.api().post('/api/v1/clusters/eu-1/credential/rotate').expect(200);
    const id = await hub.app.get(AgentCommands).send('eu-1', { resync: {} }, 'token:ops');
    const { command } = await agent.next((m) => Boolean(m.command));
    expect(command).toMatchObject({ id, resync: {} });
    agent.send({ commandResult: { id, ok: false, error: { code: 'UNSUPPORTED', message: 'not yet', file: '', line: 0 } } });
    await expect.poll(async () => (await newest(1))[0]).toBe('agent:eu-1 agent.command.result cluster/eu-1 failure');
    await hub.api().delete('/api/v1/clusters/eu-1/credential').expect(204);
    await agent.ended();
    expect(await newest(7)).toEqual([
      'token:admin cluster.join-token cluster/eu-1 success',
      'agent:eu-1 cluster.join cluster/eu-1 failure',
      'agent:eu-1 cluster.join cluster/eu-1 success',
      'token:admin cluster.credential.rotate cluster/eu-1 success',
      'token:ops agent.command.resync cluster/eu-1 success',
      'agent:eu-1 agent.command.result cluster/eu-1 failure',
      'token:admin cluster.credential.delete cluster/eu-1 success',
    ]);
  });
});
