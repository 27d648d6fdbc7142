import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import pg from 'pg';
import { EMPTY, filter, type Observable, Subject } from 'rxjs';
import { DataSource, type EntityManager, MoreThan, Repository } from 'typeorm';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { databaseKind } from '../database/data-source-options.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { FleetEventRow } from './fleet-event.entity.js';
import { REPLICA, type Replica } from './replica.js';

/** One event of the log, as every replica reads it. */
export interface LogEntry<P = unknown> {
  /** Its place in the global sequence: increasing, in the order the entries were committed. */
  readonly id: number;
  readonly topic: string;
  /** The replica that appended it. */
  readonly origin: string;
  readonly cluster: string | null;
  readonly app: string | null;
  readonly payload: P;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** An entry to append. */
export interface NewEntry {
  topic: string;
  cluster?: string | null;
  app?: string | null;
  payload: unknown;
}

/** A row to insert. */
type NewRow = Pick<FleetEventRow, 'topic' | 'origin' | 'cluster' | 'app' | 'payload'> & { createdAt: number };

/** The PostgreSQL channel whose notifications wake the replicas; the notification carries nothing. */
export const EVENT_LOG_CHANNEL = 'flotilla_fleet_events';

/** Appends hold this transaction-level advisory lock, so entries commit in the order of their ids (no reader skips one). */
const APPEND_LOCK = 0x666c7431;

/** Rows per INSERT (7 parameters each; well under both databases' limits) and per read. */
const BATCH = 500;

/** A replica re-reads the log this often even without a notification (one may be lost when its listener reconnects). */
const POLL_MS = 1000;

/** Entries kept in memory while the database cannot be written; past it the oldest are dropped and counted. */
const MAX_PENDING = 100_000;

/**
 * The fleet event log: an append-only table with a global sequence that every hub replica follows, so an event that
 * happens on one replica (an assignment stored, a status reported, a drift found, a command for an agent connected
 * elsewhere) reaches the watchers and agent streams of all of them. On PostgreSQL, LISTEN/NOTIFY only wakes the
 * readers: each replica reads everything after the last id it saw, so one that missed a notification, or was
 * restarted, loses nothing still retained. On SQLite (one replica) the same log serves the status stream's cursors.
 *
 * Appends are batched: events published in one tick are written in one transaction.
 */
@Injectable()
export class EventLog implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('event-log');
  private readonly entries = new Subject<LogEntry>();
  /** True on PostgreSQL: other replicas may append too. */
  readonly shared: boolean;
  private pending: Array<{ entry: NewEntry; createdAt: number }> = [];
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private lastId = 0;
  private reading = false;
  private readAgain = false;
  private readFailures = 0;
  private poller: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private listenerRetry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(FleetEventRow) private readonly rows: Repository<FleetEventRow>,
    @Inject(REPLICA) private readonly replica: Replica,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    this.shared = databaseKind(config) === 'postgres';
  }

  /** Starts after the newest entry: a replica follows what happens from its start on. */
  async onModuleInit(): Promise<void> {
    this.lastId = await this.newestId();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.shared) return;
    await this.listen();
    this.poller = setInterval(() => this.wake(), POLL_MS);
    this.poller.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    clearTimeout(this.listenerRetry);
    await this.flush();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    this.entries.complete();
  }

  /** This replica's id, the `origin` of what it appends. */
  get origin(): string {
    return this.replica.id;
  }

  /** The id of the last entry delivered to subscribers on this replica. */
  get lastDelivered(): number {
    return this.lastId;
  }

  /**
   * Every entry of a topic from now on, from every replica (this one included), in id order. Subscribers must not
   * throw: rxjs reports an error thrown by a subscriber asynchronously, as an uncaught exception.
   */
  topic<P>(topic: string): Observable<LogEntry<P>> {
    return this.entries.pipe(filter((entry): entry is LogEntry<P> => entry.topic === topic));
  }

  /**
   * Entries of a topic that other replicas appended (none on SQLite, which serves one hub): how a replica hears of what
   * another one told with {@link tellOthers}.
   */
  fromOthers<P>(topic: string): Observable<LogEntry<P>> {
    return this.shared ? this.topic<P>(topic).pipe(filter((entry) => entry.origin !== this.origin)) : EMPTY;
  }

  /** Appends an entry for the other replicas, having acted on it here already (nothing on SQLite: no other replica). */
  tellOthers(entry: NewEntry): void {
    if (this.shared) void this.append(entry);
  }

  /**
   * Appends entries; they are written with the others of this tick in one transaction. Resolves once written. While
   * the database cannot be written they wait (and are retried) in memory, at most MAX_PENDING.
   */
  append(...entries: NewEntry[]): Promise<void> {
    if (entries.length === 0 || this.stopped) return Promise.resolve();
    const createdAt = Date.now();
    for (const entry of entries) this.pending.push({ entry, createdAt });
    if (this.pending.length > MAX_PENDING) {
      const excess = this.pending.length - MAX_PENDING;
      this.pending.splice(0, excess);
      this.dropped += excess;
      this.logger.error({ msg: 'the fleet event log could not be written for long; the oldest events were dropped', dropped: this.dropped });
    }
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  /**
   * Appends entries in the caller's transaction, so they are in the log if and only if what they tell of was stored
   * (on PostgreSQL; the caller's transaction then holds the append lock until it commits, so keep it short).
   */
  async appendWithin(manager: EntityManager, entries: readonly NewEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const createdAt = Date.now();
    const rows = entries.map((entry) => this.toRow(entry, createdAt));
    if (this.shared) await manager.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    for (let i = 0; i < rows.length; i += BATCH) await this.insertRows(manager, rows.slice(i, i + BATCH));
    if (this.shared) await manager.query(`SELECT pg_notify('${EVENT_LOG_CHANNEL}', '')`);
    else setImmediate(() => this.wake());
  }

  /** Entries of a topic after `afterId` (exclusive), oldest first, at most `limit`. */
  async read<P>(topic: string, afterId: number, limit = BATCH): Promise<Array<LogEntry<P>>> {
    const rows = await this.rows.find({ where: { topic, id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
    return rows.map((row) => toEntry<P>(row));
  }

  /**
   * Entries after `afterId`, oldest first, at most BATCH. Plain SQL, as {@link insertRows}: a fan-out to 10,000 agents
   * puts 10,000 entries through here, and TypeORM's query building and entity hydration cost more than the database.
   */
  private async readAfter(afterId: number): Promise<FleetEventRow[]> {
    const { driver } = this.dataSource;
    return (await this.dataSource.query(
      `SELECT id, topic, origin, cluster, app, payload, ${driver.escape('createdAt')} AS ${driver.escape('createdAt')} FROM fleet_events WHERE id > ${driver.createParameter('afterId', 0)} ORDER BY id ASC LIMIT ${BATCH}`,
      [afterId],
    )) as FleetEventRow[];
  }

  /** The id of the oldest entry retained (0 when the log is empty). */
  async oldestId(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT MIN(id) AS id FROM fleet_events')) as Array<{ id: string | number | null }>;
    return Number(row?.id ?? 0);
  }

  /** The id of the newest entry (0 when the log is empty). */
  async newestId(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT MAX(id) AS id FROM fleet_events')) as Array<{ id: string | number | null }>;
    return Number(row?.id ?? 0);
  }

  /** Writes what is pending, in batches, then reads the log (so this replica delivers its own entries at once). */
  private async flush(): Promise<void> {
    try {
      let backoff = 100;
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, BATCH);
        try {
          await this.insert(batch.map(({ entry, createdAt }) => this.toRow(entry, createdAt)));
          this.pending.splice(0, batch.length);
          backoff = 100;
        } catch (error) {
          if (!isDatabaseUnavailable(error) || this.stopped) {
            this.pending.splice(0, batch.length);
            this.logger.error({ msg: 'appending to the fleet event log failed; these events are lost', events: batch.length, error: (error as Error).message });
            continue;
          }
          this.logger.warn({ msg: 'the database is unavailable; fleet events wait in memory', pending: this.pending.length, error: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, backoff));
          backoff = Math.min(backoff * 2, 5000);
        }
      }
    } finally {
      this.flushing = undefined;
    }
    this.wake();
  }

  private toRow(entry: NewEntry, createdAt: number): NewRow {
    return {
      topic: entry.topic,
      origin: this.replica.id,
      cluster: entry.cluster ?? null,
      app: entry.app ?? null,
      payload: JSON.stringify(entry.payload),
      createdAt,
    };
  }

  private async insert(rows: NewRow[]): Promise<void> {
    if (!this.shared) {
      await this.insertRows(this.dataSource.manager, rows);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      await this.insertRows(manager, rows);
      await manager.query(`SELECT pg_notify('${EVENT_LOG_CHANNEL}', '')`);
    });
  }

  /** One multi-row INSERT of at most BATCH rows. */
  private async insertRows(manager: EntityManager, rows: readonly NewRow[]): Promise<void> {
    const { driver } = this.dataSource;
    const parameters: unknown[] = [];
    const tuples = rows.map((row) => {
      const placeholders = [row.topic, row.origin, row.cluster, row.app, row.payload, row.createdAt].map((value) => {
        parameters.push(value);
        return driver.createParameter(`p${parameters.length}`, parameters.length - 1);
      });
      return `(${placeholders.join(', ')})`;
    });
    await manager.query(`INSERT INTO fleet_events (topic, origin, cluster, app, payload, ${driver.escape('createdAt')}) VALUES ${tuples.join(', ')}`, parameters);
  }

  /** Reads what was appended since the last read; a wake during a read reads again after it. */
  private wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readNew().finally(() => {
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.wake();
      }
    });
  }

  private async readNew(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.readAfter(this.lastId);
        for (const row of rows) {
          this.lastId = Number(row.id);
          this.entries.next(toEntry(row));
        }
        if (rows.length < BATCH || this.stopped) break;
      }
      this.readFailures = 0;
    } catch (error) {
      // Logged once per outage; the poller (or the next append) reads again.
      if (this.readFailures++ === 0) this.logger.warn({ msg: 'reading the fleet event log failed; retrying', error: (error as Error).message });
    }
  }

  /** LISTENs on a connection of its own; reconnects (and catches up) when it ends. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'flotilla-hub-listener', connectionTimeoutMillis: 5000 });
    const retry = (error?: Error): void => {
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      if (this.stopped || this.listenerRetry) return;
      if (error) this.logger.warn({ msg: 'the fleet event listener lost its connection; reconnecting', error: error.message });
      this.listenerRetry = setTimeout(() => {
        this.listenerRetry = undefined;
        void this.listen();
      }, 1000);
      this.listenerRetry.unref();
    };
    client.on('error', (error) => retry(error));
    client.on('end', () => retry());
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENT_LOG_CHANNEL}`);
      this.listener = client;
      this.wake();
    } catch (error) {
      retry(error as Error);
    }
  }
}

function toEntry<P>(row: FleetEventRow): LogEntry<P> {
  return {
    id: Number(row.id),
    topic: row.topic,
    origin: row.origin,
    cluster: row.cluster,
    app: row.app,
    payload: JSON.parse(row.payload) as P,
    createdAt: Number(row.createdAt),
  };
}
