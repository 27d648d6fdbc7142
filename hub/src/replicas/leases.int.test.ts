import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '@flotilla/testenv';
import { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseHubConfig } from '../config/hub-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { migrations } from '../database/migrations/index.js';
import { TEST_DATABASES } from '../testing/start-test-hub.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { Leases } from './leases.js';
import { newReplica } from './replica.js';

const TTL_MS = 1000;

describe.each(TEST_DATABASES)('leases on %s', (database) => {
  let dataSources: DataSource[] = [];
  let cleanup: () => Promise<void>;
  let config: ReturnType<typeof parseHubConfig>;

  /** A replica: its own connection to the shared database, its own Leases. */
  async function replica(): Promise<Leases> {
    const dataSource = new DataSource({ ...dataSourceOptions(config), migrations, migrationsRun: false });
    await dataSource.initialize();
    dataSources.push(dataSource);
    return new Leases(dataSource, newReplica(), config, new MetricsRegistry());
  }

  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-leases-'));
    const postgres = database === 'postgres' ? await createPostgresDatabase() : undefined;
    config = parseHubConfig({ env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_LEASE_TTL_MS: String(TTL_MS), ...(postgres ? { FLOTILLA_DATABASE_URL: postgres.url } : {}) } });
    const setup = new DataSource({ ...dataSourceOptions(config), migrations });
    await setup.initialize();
    await setup.destroy();
    dataSources = [];
    cleanup = async () => {
      for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });

  afterEach(async () => {
    await cleanup();
  });

  it('gives a lease to one replica at a time, and renews it for its holder', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.tryAcquire('work')).toBe(true);
    expect(await b.tryAcquire('work')).toBe(false);
    expect(await a.tryAcquire('work')).toBe(true);
    expect(a.isHeld('work')).toBe(true);
    expect(b.isHeld('work')).toBe(false);
    expect((await b.holderOf('work'))?.holder).toBe(a.holder);
  });

  it('shows the leases a replica holds in flotilla_leases_held', async () => {
    const metrics = new MetricsRegistry();
    const dataSource = new DataSource({ ...dataSourceOptions(config), migrations, migrationsRun: false });
    await dataSource.initialize();
    dataSources.push(dataSource);
    const leases = new Leases(dataSource, newReplica(), config, metrics);
    await leases.tryAcquire('source-poller');
    expect(await metrics.metrics()).toContain('flotilla_leases_held{lease="source-poller"} 1');
    await leases.release('source-poller');
    expect(await metrics.metrics()).not.toContain('flotilla_leases_held{lease="source-poller"}');
  });

  it('gives a lease to exactly one of many replicas asking at once', async () => {
    const replicas = await Promise.all(Array.from({ length: 5 }, () => replica()));
    for (let round = 0; round < 5; round++) {
      const taken = await Promise.all(replicas.map((leases) => leases.tryAcquire(`race-${round}`)));
      expect(taken.filter(Boolean)).toHaveLength(1);
    }
  });

  it('passes an expired lease to another replica, and a released one at once', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.tryAcquire('expiring', 200)).toBe(true);
    expect(await b.tryAcquire('expiring')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.isHeld('expiring')).toBe(false);
    expect(await b.tryAcquire('expiring')).toBe(true);
    expect(await a.tryAcquire('expiring')).toBe(false);
    await b.release('expiring');
    expect(await a.tryAcquire('expiring')).toBe(true);
  });

  it('runs withLease tasks of one name one at a time across replicas, and renews the lease while a task runs', async () => {
    const [a, b] = [await replica(), await replica()];
    let running = 0;
    let most = 0;
    const task = async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      // Longer than the TTL: only renewals keep the other replica out.
      await new Promise((resolve) => setTimeout(resolve, TTL_MS * 1.5));
      running--;
    };
    await Promise.all([a.withLease('app', task, { waitMs: 10_000 }), b.withLease('app', task, { waitMs: 10_000 }), a.withLease('app', task, { waitMs: 10_000 })]);
    expect(most).toBe(1);
    expect(await b.holderOf('app')).toBeNull();
  });

  it('refuses withLease with UNAVAILABLE, naming the holder, when the lease is not taken in time', async () => {
    const [a, b] = [await replica(), await replica()];
    await a.tryAcquire('busy', 10_000);
    await expect(b.withLease('busy', () => Promise.resolve(1), { waitMs: 300 })).rejects.toMatchObject({ code: 'UNAVAILABLE', data: { lease: 'busy', holder: a.holder } });
  });

  it('runs a singleton job on one replica only, and on another once the holder stops', async () => {
    const [a, b] = [await replica(), await replica()];
    const runs: string[] = [];
    const job = (who: string) => async () => {
      runs.push(who);
    };
    const jobA = a.singleton('sweep', 50, job('a'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const jobB = b.singleton('sweep', 50, job('b'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs.length).toBeGreaterThan(3);
    expect(new Set(runs)).toEqual(new Set(['a']));
    await jobA.stop();
    runs.length = 0;
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    expect(runs.length).toBeGreaterThan(3);
    expect(new Set(runs)).toEqual(new Set(['b']));
    await b.beforeApplicationShutdown();
    expect(jobB.isHolder).toBe(false);
    expect(await a.holderOf('sweep')).toBeNull();
  });

  it('passes a singleton job on within the TTL when its holder dies without a word', async () => {
    const [a, b] = [await replica(), await replica()];
    const runs: string[] = [];
    a.singleton('dies', 50, async () => {
      runs.push('a');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    b.singleton('dies', 50, async () => {
      runs.push('b');
    });
    // The holder's database connection goes away (as with kill -9): its renewals fail and it stops running the job.
    await dataSources[0]!.destroy();
    const diedAt = Date.now();
    while (!runs.includes('b')) {
      expect(Date.now() - diedAt).toBeLessThan(TTL_MS * 2);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lastA = runs.lastIndexOf('a');
    expect(runs.slice(lastA + 1).every((who) => who === 'b')).toBe(true);
    await b.beforeApplicationShutdown();
  });
});
