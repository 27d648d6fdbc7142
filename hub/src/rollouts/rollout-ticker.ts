import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Leases } from '../replicas/leases.js';
import { RolloutPlanner } from './rollout-planner.service.js';
import { RolloutStore } from './rollout-store.js';

/** How often the ticker looks for rollouts nobody stepped lately. */
export const ROLLOUT_TICK_MS = 5_000;
/** A moving rollout unchanged this long is planned again by the ticker. */
export const ROLLOUT_STALE_MS = 10_000;

/**
 * Keeps rollouts moving when the replica that stepped them died: its wake-up timers (minimum healthy times) and report
 * subscriptions are gone with it, so every few seconds the replica holding the `rollout-ticker` lease asks for a plan of
 * each app whose progressing or rolling-back rollout has not changed for {@link ROLLOUT_STALE_MS}. Plans read
 * everything from stored state, so planning an app once more than needed changes nothing.
 */
@Injectable()
export class RolloutTicker implements OnApplicationBootstrap {
  private readonly logger = new Logger('rollouts');

  constructor(
    private readonly store: RolloutStore,
    private readonly planner: RolloutPlanner,
    private readonly leases: Leases,
  ) {}

  onApplicationBootstrap(): void {
    // Stopped with the others by Leases when the hub shuts down.
    this.leases.singleton('rollout-ticker', ROLLOUT_TICK_MS, async () => void (await this.tick()));
  }


  /** One pass: the apps it asked to plan again. */
  async tick(now = Date.now()): Promise<string[]> {
    const apps = await this.store.staleOpenApps(new Date(now - ROLLOUT_STALE_MS));
    for (const app of apps) this.planner.request(app);
    if (apps.length > 0) this.logger.debug?.({ msg: 'planning rollouts nobody stepped lately', apps });
    return apps;
  }
}
