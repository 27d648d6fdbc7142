import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { Leases } from '../replicas/leases.js';
import { SourcesService } from './sources.service.js';

/** The lease of the poller: one replica polls, so a commit is resolved (and rolled out) once. */
export const SOURCE_POLLER_LEASE = 'source-poller';

/**
 * Polls each source at its interval. One timer for all sources; at most 8 resolutions at once. Runs on the replica
 * holding the `source-poller` lease only.
 */
@Injectable()
export class SourcePoller implements OnApplicationBootstrap {
  private readonly logger = new Logger('source-poller');
  private running = false;

  constructor(
    private readonly sources: SourcesService,
    private readonly leases: Leases,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Stopped with the others by Leases when the hub shuts down.
    this.leases.singleton(SOURCE_POLLER_LEASE, this.config.pollTickMs, () => this.tick());
  }


  /** Refreshes every source whose interval has passed since it was last checked. */
  async tick(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const due = (await this.sources.all()).filter((s) => !s.checkedAt || s.checkedAt.getTime() + s.pollIntervalSeconds * 1000 <= now);
      const queue = [...due];
      const worker = async (): Promise<void> => {
        for (let source = queue.shift(); source; source = queue.shift()) {
          await this.sources.refresh(source.name, 'poll').catch((error: Error) => this.logger.error({ msg: 'polling a source failed', source: source.name, error: error.message }));
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
    } catch (error) {
      this.logger.error({ msg: 'poll tick failed', error: (error as Error).message });
    } finally {
      this.running = false;
    }
  }
}
