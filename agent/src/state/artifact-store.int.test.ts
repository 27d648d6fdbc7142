import { randomBytes } from 'node:crypto';
import { KubeClient } from '@flotilla/kube';
import { type ControlPlane, startControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactOf } from '../testing/artifact-server.js';
import { ARTIFACT_LABEL, ARTIFACT_PART_BYTES, ArtifactStore } from './artifact-store.js';

interface PartSecret {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  data: { part: string };
}

describe('the artifacts an agent keeps in its cluster', () => {
  let plane: ControlPlane;
  let client: KubeClient;
  let store: ArtifactStore;
  const parts = async () =>
    (await client.request<{ items: PartSecret[] }>({ method: 'GET', path: '/api/v1/namespaces/flotilla-system/secrets', query: { labelSelector: `${ARTIFACT_LABEL}=true` } })).items;
  // 3 MiB of base64 noise: compresses to about 2.3 MiB, so it needs three parts.
  const large = artifactOf(Array.from({ length: 6 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `noise-${i}` }, data: { noise: randomBytes(384 * 1024).toString('base64') } })));
  const small = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } }]);

  beforeAll(async () => {
    plane = await startControlPlane();
    client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } } });
    store = new ArtifactStore(client, 'flotilla-system');
  });
  afterAll(async () => {
    client?.close();
    await plane?.stop();
  });

  it('stores an artifact larger than a Kubernetes object may be, compressed, in parts under 900 KiB, and restores it', async () => {
    expect(large.bytes.length).toBeGreaterThan(3 * 1024 * 1024);
    const stored = await store.save('web', large.ref, large.bytes);
    expect(stored.parts).toBe(3);
    expect(stored.compressedBytes).toBeLessThan(large.bytes.length);
    const secrets = await parts();
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual([0, 1, 2].map((i) => `flotilla-artifact-${large.digest.slice('sha256:'.length)}-${i}`));
    for (const secret of secrets) {
      expect(Buffer.from(secret.data.part, 'base64').length).toBeLessThanOrEqual(ARTIFACT_PART_BYTES);
      expect(secret.metadata.labels).toMatchObject({ 'flotilla.dev/app': 'web', 'flotilla.dev/artifact-digest': large.digest.slice('sha256:'.length, 'sha256:'.length + 63) });
      expect(secret.metadata.annotations).toMatchObject({ 'flotilla.dev/artifact-digest': large.digest, 'flotilla.dev/artifact-encoding': 'gzip', 'flotilla.dev/artifact-parts': '3' });
    }
    const restored = await new ArtifactStore(client, 'flotilla-system').load(large.ref);
    expect(restored?.equals(Buffer.from(large.bytes))).toBe(true);
  });

  it('knows nothing of an artifact it never stored', async () => {
    expect(await store.load(small.ref)).toBeUndefined();
  });

  it('refuses a stored artifact whose parts were changed, naming the Secret', async () => {
    await store.save('api', small.ref, small.bytes);
    const name = `flotilla-artifact-${small.digest.slice('sha256:'.length)}-0`;
    const other = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '2' } }]);
    // Parts of another artifact under this one's name: they decompress fine but hash to the other digest.
    await store.save('api', { digest: small.digest, size: other.bytes.length }, other.bytes);
    await expect(store.load(small.ref)).rejects.toMatchObject({ code: 'INVALID_ARTIFACT', message: expect.stringContaining(name) });
    await store.remove(small.digest);
    expect(await store.load(small.ref)).toBeUndefined();
  });

  it('deletes every artifact not kept, and only those', async () => {
    await store.save('api', small.ref, small.bytes);
    expect(await store.digests()).toEqual([large.digest, small.digest].sort());
    expect(await store.retainOnly(new Set([small.digest]))).toEqual([large.digest]);
    expect((await parts()).map((s) => s.metadata.annotations['flotilla.dev/artifact-digest'])).toEqual([small.digest]);
    expect(await store.load(small.ref)).toBeInstanceOf(Buffer);
  });

  it('deletes of a listing taken before what to keep was decided: an artifact stored since stays', async () => {
    const listed = await store.stored();
    expect([...listed.keys()]).toEqual([small.digest]);
    await store.save('api', large.ref, large.bytes);
    expect(await store.retainOnly(new Set(), listed)).toEqual([small.digest]);
    expect(await store.digests()).toEqual([large.digest]);
  });
});
