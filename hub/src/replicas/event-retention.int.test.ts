import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { EventRetention } from './event-retention.js';
import { FleetEventRow } from './fleet-event.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

describe.each(TEST_DATABASES)('event retention on %s', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database, { FLOTILLA_EVENT_RETENTION_SECONDS: '600' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('deletes fleet events older than the retention and webhook deliveries past their window, and nothing else', async () => {
    const dataSource = hub.app.get(DataSource);
    const now = Date.now();
    const event = (createdAt: number) => ({ topic: 'cluster', origin: 'test', cluster: null, app: null, payload: '{}', createdAt });
    await dataSource.getRepository(FleetEventRow).insert([event(now - 700_000), event(now - 500_000), event(now)]);
    await dataSource.getRepository(WebhookDelivery).insert([
      { key: 'fleet/id/old', expiresAt: now - 1 },
      { key: 'fleet/id/new', expiresAt: now + 60_000 },
    ]);
    expect(await hub.app.get(EventRetention).sweep(now)).toEqual({ events: 1, deliveries: 1 });
    expect((await dataSource.getRepository(FleetEventRow).find()).map((row) => Number(row.createdAt)).sort()).toEqual([now - 500_000, now]);
    expect((await dataSource.getRepository(WebhookDelivery).find()).map((row) => row.key)).toEqual(['fleet/id/new']);
  });
});
