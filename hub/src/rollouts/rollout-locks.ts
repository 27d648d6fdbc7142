import { Inject, Injectable } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import type { EntityManager } from 'typeorm';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { databaseKind } from '../database/data-source-options.js';
import { Leases } from '../replicas/leases.js';

/** The lease that makes one replica at a time change an app's rollouts. */
export function rolloutLease(app: string): string {
  return `rollout/${app}`;
}

/**
 * One app's rollout state changes one at a time: the planner (called by the assignments controller) and the REST
 * operations take the app's lock, so none of them reads a state another is about to overwrite. Within a replica the
 * tasks of an app queue; on PostgreSQL (replicas) each task also holds the lease `rollout/<app>`, so two replicas never
 * step one app's rollouts at once, and a replica killed mid-step loses it within the lease TTL. SQLite has one replica.
 */
@Injectable()
export class RolloutLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly isShared: boolean;

  constructor(
    private readonly leases: Leases,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    this.isShared = databaseKind(config) === 'postgres';
  }

  /**
   * In the transaction saving a change of the app's rollouts: on PostgreSQL, UNAVAILABLE (and nothing saved) unless
   * this replica still holds the app's lease, which then cannot pass to another replica before the save commits.
   */
  async fence(manager: EntityManager, app: string): Promise<void> {
    if (!this.isShared || (await this.leases.isHeldIn(manager, rolloutLease(app)))) return;
    throw new FlotillaError('UNAVAILABLE', `the lease ${rolloutLease(app)} passed to another replica before this change of app "${app}" was saved; nothing was saved`, {
      data: { app, lease: rolloutLease(app) },
    });
  }

  /**
   * Runs `task` once every earlier task of the app has finished (and, on PostgreSQL, once this replica holds the app's
   * lease: UNAVAILABLE when another replica keeps it for two lease TTLs, which a dead replica never does).
   */
  run<T>(app: string, task: () => Promise<T>): Promise<T> {
    const locked = this.isShared ? () => this.leases.withLease(rolloutLease(app), () => task(), { waitMs: 2 * this.config.leaseTtlMs }) : task;
    const previous = this.tails.get(app) ?? Promise.resolve();
    const result = previous.then(locked, locked);
    const tail = result.catch(() => undefined);
    this.tails.set(app, tail);
    void tail.then(() => {
      if (this.tails.get(app) === tail) this.tails.delete(app);
    });
    return result;
  }
}
