import { createPostgresDatabase, type PostgresDatabase } from '@flotilla/testenv';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROLLOUT_STRATEGY } from '../apps/rollout-strategy.js';
import { Leases } from '../replicas/leases.js';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { RolloutLocks, rolloutLease } from './rollout-locks.js';
import { RolloutStore } from './rollout-store.js';
import { RolloutTicker } from './rollout-ticker.js';
import { Rollout } from './rollout.entity.js';

function rollout(fields: Partial<Rollout>): Partial<Rollout> {
  const at = new Date();
  return {
    appName: 'web',
    kind: 'update',
    sourceName: 'fleet',
    ref: 'main',
    commit: 'a'.repeat(40),
    state: 'progressing',
    strategy: DEFAULT_ROLLOUT_STRATEGY,
    message: '',
    createdBy: 'system',
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
    ...fields,
  };
}

describe.each(TEST_DATABASES)('rollouts in the database on %s', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('refuses a second open update rollout of one app to one commit', async () => {
    const rollouts = hub.app.get(DataSource).getRepository(Rollout);
    await rollouts.insert(rollout({ appName: 'unique' }));
    await expect(rollouts.insert(rollout({ appName: 'unique' }))).rejects.toThrow(/unique/i);
    // Finished ones, rollbacks, and other commits are no open update rollout to that commit.
    await rollouts.insert(rollout({ appName: 'unique', state: 'completed', finishedAt: new Date() }));
    await rollouts.insert(rollout({ appName: 'unique', kind: 'rollback' }));
    await rollouts.insert(rollout({ appName: 'unique', commit: 'b'.repeat(40) }));
    expect(await rollouts.countBy({ appName: 'unique' })).toBe(4);
  });

  it('asks for a plan of apps whose moving rollout nobody stepped lately, and only those', async () => {
    const rollouts = hub.app.get(DataSource).getRepository(Rollout);
    const old = new Date(Date.now() - 60_000);
    await rollouts.insert([
      rollout({ appName: 'stalled', updatedAt: old }),
      rollout({ appName: 'stalled-back', state: 'rolling-back', updatedAt: old }),
      rollout({ appName: 'recent' }),
      rollout({ appName: 'halted', state: 'halted', updatedAt: old }),
      rollout({ appName: 'done', state: 'completed', updatedAt: old, finishedAt: old }),
    ]);
    expect((await hub.app.get(RolloutTicker).tick()).sort()).toEqual(['stalled', 'stalled-back']);
  });
});

describe('rollout locks across two hubs on one PostgreSQL database', () => {
  let database: PostgresDatabase;
  let a: TestHub;
  let b: TestHub;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    a = await startTestHub('sqlite', { FLOTILLA_DATABASE_URL: database.url, FLOTILLA_LEASE_TTL_MS: '1000' });
    b = await startTestHub('sqlite', { FLOTILLA_DATABASE_URL: database.url, FLOTILLA_LEASE_TTL_MS: '1000' });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it("never runs one app's tasks on two replicas at once, and holds the app's lease while one runs", async () => {
    let running = 0;
    let most = 0;
    const holders: Array<string | undefined> = [];
    const task = (hub: TestHub) => async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      holders.push((await hub.app.get(Leases).holderOf(rolloutLease('web')))?.holder);
      await new Promise((resolve) => setTimeout(resolve, 200));
      running--;
    };
    const [locksA, locksB] = [a.app.get(RolloutLocks), b.app.get(RolloutLocks)];
    await Promise.all([locksA.run('web', task(a)), locksB.run('web', task(b)), locksA.run('web', task(a)), locksB.run('web', task(b))]);
    expect(most).toBe(1);
    expect(holders).toHaveLength(4);
    expect(holders.every((holder) => holder !== undefined)).toBe(true);
    expect(await a.app.get(Leases).holderOf(rolloutLease('web'))).toBeNull();
  });

  it("saves nothing of a change whose app's lease passed to another replica meanwhile", async () => {
    const store = a.app.get(RolloutStore);
    const dataSource = a.app.get(DataSource);
    const attempt = a.app.get(RolloutLocks).run('api', async () => {
      const work = await store.load('api');
      work.create(store.rollouts.create(rollout({ appName: 'api' })));
      // The replica stalled past its lease, and another took it.
      await dataSource.query(`UPDATE leases SET holder = 'another/1/replica' WHERE name = $1`, [rolloutLease('api')]);
      await store.save(work);
    });
    await expect(attempt).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('the lease rollout/api passed to another replica') });
    expect(await dataSource.getRepository(Rollout).countBy({ appName: 'api' })).toBe(0);
  });
});
