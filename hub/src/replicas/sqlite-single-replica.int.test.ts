import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { Leases } from './leases.js';
import { SQLITE_HUB_LEASE } from './sqlite-single-replica.js';

describe('one hub per SQLite database', () => {
  const hubs: TestHub[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.app.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const start = async (dataDir?: string): Promise<TestHub> => {
    const hub = await startTestHub('sqlite', dataDir ? { FLOTILLA_DATA_DIR: dataDir } : {});
    hubs.push(hub);
    dirs.push(hub.dataDir);
    return hub;
  };

  it('refuses a second hub on the same SQLite file, naming the first, and starts it once the first stopped', async () => {
    const first = await start();
    const refusal = start(first.dataDir);
    await expect(refusal).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(refusal).rejects.toThrow(
      new RegExp(`^another hub \\(pid ${process.pid} on host ${hostname().slice(0, 80)}\\) is running on the SQLite database .*flotilla\\.db: SQLite serves one hub\\. Stop that hub first, or run hub replicas on PostgreSQL`),
    );
    // The first hub is not disturbed by the refused one.
    await first.api().get('/readyz').expect(200);

    await first.app.close();
    const second = await start(first.dataDir);
    await second.api().get('/readyz').expect(200);
  });

  it('takes the database and its leases over at once from a hub that was killed (its pid is gone), though they have not expired', async () => {
    const first = await start();
    await first.app.close();
    // What kill -9 leaves: the lease of a process that no longer runs, far from expired.
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const database = new DataSource({ type: 'better-sqlite3', database: join(first.dataDir, 'flotilla.db') });
    await database.initialize();
    const killed = `${hostname().slice(0, 80)}/${dead}/0badc0de`;
    for (const lease of [SQLITE_HUB_LEASE, 'source-poller']) {
      await database.query(`INSERT INTO leases (name, holder, "acquiredAt", "expiresAt") VALUES (?, ?, ?, ?)`, [lease, killed, Date.now(), Date.now() + 600_000]);
    }
    await database.destroy();

    const startedAt = Date.now();
    const restarted = await start(first.dataDir);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    const leases = restarted.app.get(Leases);
    expect((await leases.holderOf(SQLITE_HUB_LEASE))?.holder).toBe(leases.holder);
    // And the other leases the killed hub held, at once: it polls now, not after their TTL.
    await expect.poll(async () => (await leases.holderOf('source-poller'))?.holder, { timeout: 2000 }).toBe(leases.holder);
  });
});
