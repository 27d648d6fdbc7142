import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FlotillaError } from '@flotilla/core';
import type { Gauge } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { LeasedJob } from './leased-job.js';
import { REPLICA, type Replica } from './replica.js';

/** How long `withLease` waits between two attempts to take a lease another replica holds, at most. */
const RETRY_MAX_MS = 500;

/** Options of {@link Leases.withLease}. */
export interface WithLeaseOptions {
  /** How long to wait for the lease before giving up with UNAVAILABLE. */
  waitMs: number;
  /** The lease's time to live; default the hub's `leaseTtlMs`. */
  ttlMs?: number;
}

/** Who holds a lease, as stored. */
export interface LeaseHolder {
  holder: string;
  /** Epoch ms, on the database's clock. */
  expiresAt: number;
}

/**
 * Leases of work that must happen once among the replicas sharing the database (the `leases` table). A lease is taken
 * or renewed by one atomic `INSERT … ON CONFLICT (name) DO UPDATE … WHERE` the row expired or is held by this replica,
 * `RETURNING` the row only when it was written; so two replicas never both get it. Expiry is computed with the
 * database's clock (PostgreSQL's `clock_timestamp()`, SQLite's `julianday('now')`, which is this process's since SQLite
 * runs in it), so replicas whose clocks differ still agree. This replica counts its own hold from the moment it sent
 * the statement, so it stops considering a lease held no later than the database lets another replica take it.
 */
@Injectable()
export class Leases implements BeforeApplicationShutdown {
  private readonly logger = new Logger('leases');
  /** Names this replica holds, and until when (process clock, epoch ms; an underestimate of the stored expiry). */
  private readonly held = new Map<string, number>();
  /** Per name, the tail of this replica's `withLease` tasks: one at a time in this process too. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly jobs = new Set<LeasedJob>();
  private readonly gauge: Gauge<'lease'>;
  private closing = false;
  /** True on PostgreSQL, where other replicas may hold leases; SQLite serves one hub. */
  readonly shared: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REPLICA) private readonly replica: Replica,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    metrics: MetricsRegistry,
  ) {
    this.shared = dataSource.options.type === 'postgres';
    this.gauge = metrics.gauge({ name: 'flotilla_leases_held', help: 'Leases (work done once among hub replicas) this replica holds, by name: 1 while held', labelNames: ['lease'] });
  }

  /** The holder id this replica writes (its Replica id). */
  get holder(): string {
    return this.replica.id;
  }

  /** The default time to live of a lease (the `leaseTtlMs` setting). */
  get ttlMs(): number {
    return this.config.leaseTtlMs;
  }

  /** Whether this replica holds the lease now, as far as it knows (it took or renewed it less than a TTL ago). */
  isHeld(name: string): boolean {
    const until = this.held.get(name);
    return until !== undefined && until > Date.now();
  }

  /**
   * Takes the lease, or renews it when this replica holds it; false when another replica holds it unexpired. With
   * `takeOverFrom`, also takes it from that holder unexpired (one known to be dead).
   */
  async tryAcquire(name: string, ttlMs: number = this.config.leaseTtlMs, options: { takeOverFrom?: string } = {}): Promise<boolean> {
    const sentAt = Date.now();
    const postgres = this.shared;
    // Epoch ms on the database's clock; PostgreSQL's now() would be the transaction's start, clock_timestamp() is now.
    const now = postgres ? `(extract(epoch from clock_timestamp()) * 1000)::bigint` : `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
    const [p1, p2, p3, p4] = postgres ? ['$1', '$2', '$3::bigint', '$4'] : ['?', '?', '?', '?'];
    const rows = (await this.dataSource.query(
      `INSERT INTO leases (name, holder, "acquiredAt", "expiresAt") VALUES (${p1}, ${p2}, ${now}, ${now} + ${p3})
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         "acquiredAt" = CASE WHEN leases.holder = excluded.holder THEN leases."acquiredAt" ELSE excluded."acquiredAt" END,
         "expiresAt" = excluded."expiresAt"
       WHERE leases.holder = excluded.holder OR leases."expiresAt" <= excluded."acquiredAt" OR leases.holder = ${p4}
       RETURNING holder`,
      [name, this.replica.id, ttlMs, options.takeOverFrom ?? this.replica.id],
    )) as unknown[];
    // While shutting down, leases held are still renewed (a task finishing under one), but none is newly taken.
    if (rows.length > 0 && (!this.closing || this.held.has(name))) {
      this.held.set(name, sentAt + ttlMs);
      this.gauge.set({ lease: name }, 1);
      return true;
    }
    if (rows.length > 0) await this.release(name);
    else this.lost(name);
    return false;
  }

  /** Gives the lease up, if this replica holds it, so another replica may take it at once. */
  async release(name: string): Promise<void> {
    this.lost(name);
    await this.dataSource.query(`DELETE FROM leases WHERE name = ${this.parameter(1)} AND holder = ${this.parameter(2)}`, [name, this.replica.id]);
  }

  /**
   * Inside a transaction writing what the lease guards: whether this replica still holds it unexpired. On PostgreSQL
   * the lease's row stays locked until the transaction ends, so the lease cannot pass to another replica before these
   * writes commit (another replica's take waits, then finds it renewed or released): a fence for a replica that
   * stalled past its lease.
   */
  async isHeldIn(manager: EntityManager, name: string): Promise<boolean> {
    const postgres = this.shared;
    const rows = (await manager.query(
      postgres
        ? `SELECT holder FROM leases WHERE name = $1 AND holder = $2 AND "expiresAt" > (extract(epoch from clock_timestamp()) * 1000)::bigint FOR UPDATE`
        : `SELECT holder FROM leases WHERE name = ? AND holder = ? AND "expiresAt" > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`,
      [name, this.replica.id],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Who holds a lease (expired or not), or null when nobody does. */
  async holderOf(name: string): Promise<LeaseHolder | null> {
    const rows = (await this.dataSource.query(`SELECT holder, "expiresAt" FROM leases WHERE name = ${this.parameter(1)}`, [name])) as Array<{ holder: string; expiresAt: string | number }>;
    return rows[0] ? { holder: rows[0].holder, expiresAt: Number(rows[0].expiresAt) } : null;
  }

  /**
   * Runs `task` holding the lease: waits until it is taken (UNAVAILABLE after `waitMs`), renews it every third of its
   * TTL while the task runs, and releases it after. The task's signal aborts if the lease is lost meanwhile (this
   * replica could not renew it in time, e.g. the database was unreachable). Tasks of one name run one at a time in
   * this replica too.
   */
  withLease<T>(name: string, task: (signal: AbortSignal) => Promise<T>, options: WithLeaseOptions): Promise<T> {
    return this.queue(name, () => this.runHolding(name, task, options));
  }

  /**
   * Runs `task` with no other replica, and no other task of `name` here, running one at once: under the lease on
   * PostgreSQL (waiting at most two TTLs: UNAVAILABLE past that, which a dead replica never causes), queued in this
   * process alone on SQLite, which serves one hub.
   */
  exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.shared ? this.withLease(name, () => task(), { waitMs: 2 * this.ttlMs }) : this.queue(name, task);
  }

  /** Runs `run` once every earlier task of `name` in this process has ended. */
  private queue<T>(name: string, run: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.catch(() => undefined);
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return result;
  }

  /**
   * A periodic job that runs only on the replica holding the lease `name`: every replica tries to take or renew it
   * every third of the TTL, and the holder runs `job` every `intervalMs` (never two runs at once). A replica that dies
   * loses the lease within the TTL and another takes it over; one that shuts down cleanly releases it at once.
   */
  singleton(name: string, intervalMs: number, job: () => Promise<void>): LeasedJob {
    const leased = new LeasedJob(this, name, intervalMs, job, this.logger);
    this.jobs.add(leased);
    leased.onStop(() => this.jobs.delete(leased));
    if (!this.closing) leased.start();
    return leased;
  }

  /**
   * Stops every job, lets running `withLease` tasks end, and releases every lease this replica holds, so another
   * replica takes them over at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.jobs].map((job) => job.stop()));
    await Promise.all([...this.tails.values()]);
    for (const name of [...this.held.keys()]) {
      await this.release(name).catch((error: Error) => this.logger.warn({ msg: 'releasing a lease failed; it passes on when it expires', lease: name, error: error.message }));
    }
  }

  private async runHolding<T>(name: string, task: (signal: AbortSignal) => Promise<T>, { waitMs, ttlMs = this.config.leaseTtlMs }: WithLeaseOptions): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; !(await this.tryAcquire(name, ttlMs)); attempt++) {
      const left = deadline - Date.now();
      if (left <= 0 || this.closing) {
        const holder = await this.holderOf(name).catch(() => null);
        throw new FlotillaError('UNAVAILABLE', `lease "${name}" is held by replica ${holder?.holder ?? 'unknown'}: not taken within ${waitMs} ms; try again`, {
          data: { lease: name, ...(holder ? { holder: holder.holder } : {}) },
        });
      }
      await sleep(Math.min(left, RETRY_MAX_MS, 25 * 2 ** attempt));
    }
    const lost = new AbortController();
    const renewal = setInterval(() => {
      this.tryAcquire(name, ttlMs)
        .then((renewed) => renewed || lost.abort(new Error(`lease "${name}" was lost`)))
        .catch((error: Error) => {
          this.logger.warn({ msg: 'renewing a lease failed', lease: name, error: error.message });
          if (!this.isHeld(name)) lost.abort(new Error(`lease "${name}" could not be renewed: ${error.message}`));
        });
    }, Math.max(1, Math.floor(ttlMs / 3)));
    renewal.unref();
    try {
      return await task(lost.signal);
    } finally {
      clearInterval(renewal);
      await this.release(name).catch((error: Error) => this.logger.warn({ msg: 'releasing a lease failed; it passes on when it expires', lease: name, error: error.message }));
    }
  }

  private lost(name: string): void {
    if (!this.held.delete(name)) return;
    this.gauge.remove({ lease: name });
  }

  private parameter(index: number): string {
    return this.shared ? `$${index}` : '?';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
