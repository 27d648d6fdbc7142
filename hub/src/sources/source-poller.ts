import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { SourcesService } from './sources.service.js';

/** Polls each source at its interval. One timer for all sources; at most `concurrency` resolutions at once. */
@Injectable()
export class SourcePoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('source-poller');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly sources: SourcesService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.pollTickMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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
