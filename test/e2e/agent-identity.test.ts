import { createHash } from 'node:crypto';
import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStatusOn, type Fleet, startFleet } from './fleet.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const decode = (data: string | undefined): string => Buffer.from(data ?? '', 'base64').toString('utf8');

describe('agent identity over mutual TLS', () => {
  let fleet: Fleet;
  let kube: KubeClient;
  const storedCredential = async (): Promise<{ credential: string; originSha256: string }> => {
    const secret = await kube.request<{ data?: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/flotilla-system/secrets/flotilla-agent-credential' });
    return { credential: decode(secret.data?.credential), originSha256: decode(secret.data?.originSha256) };
  };
  const joins = async (): Promise<string[]> =>
    ((await fleet.api().get('/api/v1/audit').query({ action: 'cluster.join' }).expect(200)).body.items as Array<{ result: string }>).map((e) => e.result);
  const connected = async (): Promise<boolean> => (await fleet.api().get('/api/v1/clusters/eu-1').expect(200)).body.connected;

  beforeAll(async () => {
    fleet = await startFleet({
      clusters: { 'eu-1': { env: 'prod' } },
      files: { 'web/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello\n' },
      mutualTls: true,
      hubEnv: { FLOTILLA_CREDENTIAL_GRACE_SECONDS: '3' },
    });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as NonNullable<Fleet['planes'][string]>).kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', namespace: 'default', targets: { clusters: ['eu-1'] } }).expect(201);
  });
  afterAll(async () => {
    kube?.close();
    await fleet?.stop();
  });

  it('joins with its join token and keeps the credential in a Secret of its state namespace', async () => {
    await fleet.startAgent('eu-1');
    await expect.poll(connected, { timeout: 20_000 }).toBe(true);
    const stored = await storedCredential();
    expect(stored.credential).toMatch(/^flc_/);
    expect(stored.originSha256).toBe(sha256(fleet.tokens['eu-1'] as string));
    expect(await joins()).toEqual(['success']);
    await expect.poll(async () => ((await appStatusOn(fleet, 'web', 'eu-1'))?.applied as { phase?: string } | undefined)?.phase, { timeout: 30_000 }).toBe('Synced');
  });

  it('uses the stored credential after a restart: the join token is spent', async () => {
    await fleet.stopAgent('eu-1');
    await expect.poll(connected).toBe(false);
    await fleet.startAgent('eu-1');
    await expect.poll(connected, { timeout: 20_000 }).toBe(true);
    expect(await joins()).toEqual(['success']);
  });

  it('stores a rotated credential and reconnects with it once the old one expires', async () => {
    const before = await storedCredential();
    await fleet.api().post('/api/v1/clusters/eu-1/credential/rotate').expect(200);
    await expect.poll(async () => (await storedCredential()).credential, { timeout: 10_000 }).not.toBe(before.credential);
    const rotated = await storedCredential();
    expect(rotated).toMatchObject({ credential: expect.stringMatching(/^flc_/), originSha256: before.originSha256 });
    // The hub closes the stream on the old credential after the grace period (3 s); the agent comes back on the new
    // one and keeps heartbeating. On the old one it would be refused and stay disconnected.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const heartbeat = async () => {
      const cluster = (await fleet.api().get('/api/v1/clusters/eu-1').expect(200)).body;
      return cluster.connected === true && Date.parse(cluster.lastHeartbeatAt) > Date.now() - 3000;
    };
    await expect.poll(heartbeat, { timeout: 20_000 }).toBe(true);
    expect((await storedCredential()).credential).toBe(rotated.credential);
  });

  it('is shut out at once when revoked, keeps what it applied, and comes back with a new join token', async () => {
    await fleet.api().delete('/api/v1/clusters/eu-1/credential').expect(204);
    await expect.poll(connected, { timeout: 5_000 }).toBe(false);
    const settings = await kube.request<{ data: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/settings' });
    expect(settings.data).toEqual({ greeting: 'hello' });
    fleet.tokens['eu-1'] = (await fleet.api().post('/api/v1/clusters/eu-1/join-token').expect(201)).body.joinToken;
    await fleet.stopAgent('eu-1');
    await fleet.startAgent('eu-1');
    await expect.poll(connected, { timeout: 20_000 }).toBe(true);
    expect((await storedCredential()).originSha256).toBe(sha256(fleet.tokens['eu-1'] as string));
    expect(await joins()).toEqual(['success', 'success']);
  });
});
