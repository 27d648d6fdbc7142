import type { LoggerService } from '@nestjs/common';

/** What a LeasedJob needs of Leases (passed in, so the two files do not import each other). */
export interface LeaseKeeper {
  readonly ttlMs: number;
  tryAcquire(name: string, ttlMs?: number): Promise<boolean>;
  release(name: string): Promise<void>;
  isHeld(name: string): boolean;
}

/**
 * A periodic job run by the one replica holding its lease (made by `Leases.singleton`). The lease is taken or renewed
 * every third of its TTL whether the job runs or not, so the holder keeps it between runs however long the interval;
 * the job runs every `intervalMs` while the lease is held, never twice at once.
 */
export class LeasedJob {
  private renewTimer: NodeJS.Timeout | undefined;
  private runTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;
  private stopped = false;
  private wasHolder = false;
  private readonly stopListeners: Array<() => void> = [];

  constructor(
    private readonly leases: LeaseKeeper,
    /** The lease's name. */
    readonly name: string,
    private readonly intervalMs: number,
    private readonly job: () => Promise<void>,
    private readonly logger: LoggerService,
  ) {}

  /** Whether this replica holds the job's lease now. */
  get isHolder(): boolean {
    return this.leases.isHeld(this.name);
  }

  /** Starts taking the lease (at once) and running the job when it is held. */
  start(): void {
    if (this.stopped || this.renewTimer) return;
    void this.renew();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leases.ttlMs / 3)));
    this.renewTimer.unref();
    this.runTimer = setInterval(() => void this.runNow(), this.intervalMs);
    this.runTimer.unref();
  }

  /** Runs the job now if this replica holds the lease and it is not running; resolves when that run ends. */
  async runNow(): Promise<boolean> {
    if (this.stopped || this.running || !this.leases.isHeld(this.name)) return false;
    this.running = this.job()
      .catch((error: Error) => this.logger.error({ msg: 'a leased job failed; it runs again at its next interval', lease: this.name, error: error.message }))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
    return true;
  }

  /** Stops the timers, waits for a run in progress, and releases the lease. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.renewTimer);
    clearInterval(this.runTimer);
    await this.renewing;
    await this.running;
    try {
      await this.leases.release(this.name);
    } catch (error) {
      this.logger.warn({ msg: 'releasing a lease failed; it passes on when it expires', lease: this.name, error: (error as Error).message });
    }
    for (const listener of this.stopListeners) listener();
  }

  /** Calls `listener` once the job has stopped. */
  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  private async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = this.leases
      .tryAcquire(this.name)
      .then((held) => {
        if (held !== this.wasHolder) this.logger.log({ msg: held ? 'lease taken: this replica runs the job' : 'lease lost: another replica runs the job', lease: this.name });
        this.wasHolder = held;
      })
      .catch((error: Error) => this.logger.warn({ msg: 'taking or renewing a lease failed', lease: this.name, error: error.message }))
      .finally(() => {
        this.renewing = undefined;
      });
    await this.renewing;
  }
}
