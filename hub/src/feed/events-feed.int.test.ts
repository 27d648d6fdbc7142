import { HubApiClient, type FleetEventView } from '@flotilla/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';

describe('GET /api/v1/events and /api/v1/whoami', () => {
  let hub: TestHub;
  let viewer: string;

  /** Reads events from the feed until `count` have come, then hangs up. */
  const take = async (client: HubApiClient, count: number, cursor?: string): Promise<FleetEventView[]> => {
    const abort = new AbortController();
    const events: FleetEventView[] = [];
    for await (const event of client.watchEvents({ cursor, signal: abort.signal })) {
      events.push(event);
      if (events.length === count) break;
    }
    abort.abort();
    return events;
  };

  beforeAll(async () => {
    hub = await startTestHub('sqlite');
    viewer = (await hub.api().post('/api/v1/tokens').send({ name: 'looker', role: 'viewer' }).expect(201)).body.token;
  });
  afterAll(() => hub?.stop());

  it('sends a snapshot, then live events, each with its cursor as the SSE id; a viewer may follow it', async () => {
    const admin = new HubApiClient({ url: hub.httpUrl, token: hub.adminToken });
    await admin.createCluster({ name: 'eu-1', labels: { env: 'prod' } });
    const client = new HubApiClient({ url: hub.httpUrl, token: viewer });
    const [snapshot, complete] = await take(client, 2);
    expect(snapshot?.clusterSnapshot).toMatchObject({ name: 'eu-1', labels: { env: 'prod' } });
    expect(complete?.snapshotComplete).toEqual({});

    // Resuming from the snapshot's cursor gives exactly what came after it: no snapshot again.
    await admin.updateCluster('eu-1', { labels: { env: 'dev' } });
    const [resumed] = await take(client, 1, complete?.cursor);
    expect(resumed?.cluster).toMatchObject({ type: 'CLUSTER_EVENT_TYPE_UPDATED', cluster: { name: 'eu-1', labels: { env: 'dev' } } });

    // Last-Event-ID works as ?cursor= does (what EventSource sends on its own reconnects).
    const raw = await fetch(`${hub.httpUrl}/api/v1/events`, { headers: { authorization: `Bearer ${viewer}`, 'last-event-id': complete?.cursor ?? '' } });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (raw.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('CLUSTER_EVENT_TYPE_UPDATED')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).not.toContain('clusterSnapshot');
    expect(text).toMatch(new RegExp(`id: ${resumed?.cursor}\\ndata: \\{`));
  });

  it('opens a resume that missed nothing at once, with no event (a quiet fleet is live, not reconnecting)', async () => {
    const client = new HubApiClient({ url: hub.httpUrl, token: viewer });
    const [, complete] = await take(client, 2);
    expect(complete?.snapshotComplete).toEqual({});
    const abort = new AbortController();
    const received: FleetEventView[] = [];
    const opened = new Promise<void>((onOpen) => {
      void (async () => {
        for await (const event of client.watchEvents({ cursor: complete?.cursor, signal: abort.signal, onOpen })) received.push(event);
      })();
    });
    await opened;
    await new Promise((resolve) => setTimeout(resolve, 200));
    abort.abort();
    expect(received).toEqual([]);
  });

  it('refuses the feed without a token, and names the caller and role on whoami', async () => {
    await hub.api(null).get('/api/v1/events').expect(401);
    await hub.api(null).get('/api/v1/whoami').expect(401);
    expect(await new HubApiClient({ url: hub.httpUrl, token: viewer }).whoAmI()).toEqual({ token: 'looker', role: 'viewer' });
    await hub.api().get('/api/v1/events?cursor=' + 'x'.repeat(65)).expect(400);
  });
});
