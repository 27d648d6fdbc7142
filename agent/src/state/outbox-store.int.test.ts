import { randomBytes } from 'node:crypto';
import { KubeClient } from '@flotilla/kube';
import { type ControlPlane, startControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_SECRET, OutboxStore } from './outbox-store.js';

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text));
const textOf = (messages: Uint8Array[]) => messages.map((m) => Buffer.from(m).toString());

describe('the reports an agent keeps in its cluster for the hub', () => {
  let plane: ControlPlane;
  let client: KubeClient;

  beforeAll(async () => {
    plane = await startControlPlane();
    client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } } });
  });
  afterAll(async () => {
    client?.close();
    await plane?.stop();
  });

  it('finds nothing before anything was kept', async () => {
    expect(await new OutboxStore(client, 'flotilla-system').load()).toEqual({ messages: [], dropped: 0 });
  });

  it('keeps messages in order with the drop count, replaces them on each save, and empties', async () => {
    const store = new OutboxStore(client, 'flotilla-system');
    await store.save({ messages: ['first', 'second', ''].map(bytesOf), dropped: 2 });
    let kept = await new OutboxStore(client, 'flotilla-system').load();
    expect(textOf(kept.messages)).toEqual(['first', 'second', '']);
    expect(kept.dropped).toBe(2);

    await store.save({ messages: [bytesOf('third')], dropped: 2 });
    expect(textOf((await store.load()).messages)).toEqual(['third']);
    await store.save({ messages: [], dropped: 0 });
    kept = await store.load();
    expect(kept).toEqual({ messages: [], dropped: 0 });
    const secret = await client.request<{ type: string; metadata: { labels: Record<string, string> } }>({ method: 'GET', path: `/api/v1/namespaces/flotilla-system/secrets/${OUTBOX_SECRET}` });
    expect(secret.metadata.labels['app.kubernetes.io/managed-by']).toBe('flotilla');
  });

  it('leaves out the oldest messages past its size bound, and counts them as dropped', async () => {
    const store = new OutboxStore(client, 'flotilla-system', 64 * 1024);
    // Random bytes do not compress: 40 messages of 4 KiB are 160 KiB, well past 64 KiB.
    const messages = Array.from({ length: 40 }, (_, i) => new Uint8Array(Buffer.concat([Buffer.from(`${String(i).padStart(2, '0')}:`), randomBytes(4096)])));
    await store.save({ messages, dropped: 1 });
    const kept = await store.load();
    expect(kept.messages.length).toBeGreaterThan(0);
    expect(kept.messages.length).toBeLessThan(16);
    expect(kept.dropped).toBe(1 + 40 - kept.messages.length);
    // The newest are the ones kept, in order.
    expect(kept.messages.map((m) => Buffer.from(m.subarray(0, 2)).toString())).toEqual(messages.slice(40 - kept.messages.length).map((m) => Buffer.from(m.subarray(0, 2)).toString()));
  });

  it('refuses a damaged Secret with an error naming it', async () => {
    await client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/flotilla-system/secrets/${OUTBOX_SECRET}`,
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: OUTBOX_SECRET }, data: { messages: Buffer.from('not gzip').toString('base64') } },
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'flotilla', force: 'true' },
    });
    await expect(new OutboxStore(client, 'flotilla-system').load()).rejects.toThrow(/Secret\/flotilla-system\/flotilla-outbox: the kept reports cannot be read .*delete the Secret/);
  });
});
