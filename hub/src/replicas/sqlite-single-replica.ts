import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FlotillaError } from '@flotilla/core';
import { DataSource } from 'typeorm';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { dataSourceOptions, databaseKind } from '../database/data-source-options.js';
import { Leases } from './leases.js';
import { REPLICA, type Replica } from './replica.js';

/** The lease the one hub on a SQLite database holds while it runs. */
export const SQLITE_HUB_LEASE = 'sqlite-hub';

/** Replica ids of the hubs running in this process (tests and embedders run several; their pid is the same). */
const hubsInThisProcess = new Set<string>();

/**
 * SQLite serves one hub: the hub on a SQLite file holds the lease `sqlite-hub` while it runs (renewed every third of
 * the lease TTL, released when it stops). A second hub started on the same file refuses to start, naming the first;
 * a holder that is gone (killed: its pid is dead on this host, or its lease expired) is taken over at once, so a hub
 * restarted after kill -9 starts without waiting, and takes over the other leases it left at once too. Replicas need
 * PostgreSQL.
 */
@Injectable()
export class SqliteSingleReplica implements BeforeApplicationShutdown {
  private readonly logger = new Logger('replicas');
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly leases: Leases,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REPLICA) private readonly replica: Replica,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** Takes the SQLite database for this hub; FAILED_PRECONDITION naming the other hub when one is running on it. */
  async claim(): Promise<void> {
    if (databaseKind(this.config) !== 'sqlite') return;
    const deadline = Date.now() + this.config.leaseTtlMs + 1000;
    // A hub killed a moment ago may still show as a process until its parent reaps it.
    const patience = Date.now() + 2000;
    while (!(await this.leases.tryAcquire(SQLITE_HUB_LEASE))) {
      const current = await this.leases.holderOf(SQLITE_HUB_LEASE);
      if (!current) continue;
      const holder = parseHolder(current.holder);
      if (holder && holder.host === this.replica.host && !isRunning(holder.pid, current.holder)) {
        // Killed without releasing it (its pid is gone): no need to wait for the lease to expire.
        if (await this.leases.tryAcquire(SQLITE_HUB_LEASE, undefined, { takeOverFrom: current.holder })) {
          this.logger.warn({ msg: 'took over the SQLite database from a hub that stopped without releasing it', previous: current.holder });
          break;
        }
        continue;
      }
      // Running on this host, or on another host (whose pids cannot be checked): refuse unless it stops renewing.
      const now = Date.now();
      if ((holder && holder.host === this.replica.host && now >= patience) || now >= deadline) throw this.refusal(current.holder, holder);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The hub before this one is gone: the leases it held (polling, retention, …) are this hub's now, not in a TTL.
    await this.dataSource.query(`DELETE FROM leases WHERE holder <> ?`, [this.replica.id]);
    hubsInThisProcess.add(this.replica.id);
    this.renewal = setInterval(() => {
      this.leases
        .tryAcquire(SQLITE_HUB_LEASE)
        .then((renewed) => renewed || this.logger.error({ msg: 'another hub took the SQLite database of this one; SQLite serves one hub, use PostgreSQL for replicas' }))
        .catch((error: Error) => this.logger.warn({ msg: 'renewing the SQLite hub lease failed', error: error.message }));
    }, Math.floor(this.leases.ttlMs / 3));
    this.renewal.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.renewal);
    hubsInThisProcess.delete(this.replica.id);
  }

  private refusal(holderId: string, holder: { host: string; pid: number } | undefined): FlotillaError {
    const database = 'database' in dataSourceOptions(this.config) ? String(dataSourceOptions(this.config).database) : 'the SQLite database';
    const who = holder ? `another hub (pid ${holder.pid} on host ${holder.host})` : `another hub (${holderId})`;
    return new FlotillaError(
      'FAILED_PRECONDITION',
      `${who} is running on the SQLite database ${database}: SQLite serves one hub. Stop that hub first, or run hub replicas on PostgreSQL (FLOTILLA_DATABASE_URL=postgres://…)`,
      { data: { holder: holderId, database } },
    );
  }
}

/** `<host>/<pid>/<random>` (a Replica id) as host and pid; undefined when it is not one. */
function parseHolder(id: string): { host: string; pid: number } | undefined {
  const match = /^(.+)\/(\d+)\/[0-9a-f]+$/.exec(id);
  return match ? { host: match[1] as string, pid: Number(match[2]) } : undefined;
}

/** Whether the process of a holder on this host runs: in this process, only a hub still running here. */
function isRunning(pid: number, holderId: string): boolean {
  if (pid === process.pid) return hubsInThisProcess.has(holderId);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
