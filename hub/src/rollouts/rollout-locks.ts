import { Injectable } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import type { EntityManager } from 'typeorm';
import { Leases } from '../replicas/leases.js';

/** The lease that makes one replica at a time change an app's rollouts. */
export function rolloutLease(app: string): string {
  return `rollout/${app}`;
}

/**
 * One app's rollout state changes one at a time: the planner (called by the assignments controller) and the REST
 * operations take the app's lock, so none of them reads a state another is about to overwrite. On PostgreSQL
 * (replicas) the lock is the lease `rollout/<app>`, so two replicas never step one app's rollouts at once, and a
 * replica killed mid-step loses it within the lease TTL; on SQLite (one hub) the app's tasks queue in the process.
 */
@Injectable()
export class RolloutLocks {
  constructor(private readonly leases: Leases) {}

  /**
   * In the transaction saving a change of the app's rollouts: on PostgreSQL, UNAVAILABLE (and nothing saved) unless
   * this replica still holds the app's lease, which then cannot pass to another replica before the save commits.
   */
  async fence(manager: EntityManager, app: string): Promise<void> {
    if (!this.leases.shared || (await this.leases.isHeldIn(manager, rolloutLease(app)))) return;
    throw new FlotillaError('UNAVAILABLE', `the lease ${rolloutLease(app)} passed to another replica before this change of app "${app}" was saved; nothing was saved`, {
      data: { app, lease: rolloutLease(app) },
    });
  }

  /** Runs `task` once every earlier task of the app has finished, holding the app's lease on PostgreSQL. */
  run<T>(app: string, task: () => Promise<T>): Promise<T> {
    return this.leases.exclusive(rolloutLease(app), task);
  }
}
