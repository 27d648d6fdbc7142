import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { Leases } from '../replicas/leases.js';
import { ClustersService } from './clusters.service.js';

/** How often the clusters table is swept for silent agents. */
const SWEEP_INTERVAL_MS = 5_000;
/**
 * Added to the heartbeat timeout: replicas write heartbeats in batches about once a second, and a replica closes a
 * silent stream itself after the timeout; the sweep is for replicas that died without saying so.
 */
export const HEARTBEAT_WRITE_MARGIN_MS = 5_000;

/**
 * Marks disconnected the clusters whose agent's replica died (kill -9, lost host): still recorded connected, but no
 * heartbeat written for longer than the heartbeat timeout. On the replica holding the `heartbeat-timeouts` lease only.
 */
@Injectable()
export class ClusterHeartbeatTimeouts implements OnApplicationBootstrap {
  private readonly logger = new Logger('clusters');

  constructor(
    private readonly clusters: ClustersService,
    private readonly leases: Leases,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Stopped with the others by Leases when the hub shuts down.
    this.leases.singleton('heartbeat-timeouts', Math.min(SWEEP_INTERVAL_MS, this.config.heartbeatTimeoutMs), async () => void (await this.sweep()));
  }


  /** One pass: returns the clusters it marked disconnected. */
  async sweep(now = Date.now()): Promise<string[]> {
    const disconnected = await this.clusters.disconnectSilent(new Date(now - this.config.heartbeatTimeoutMs - HEARTBEAT_WRITE_MARGIN_MS));
    if (disconnected.length > 0) this.logger.warn({ msg: 'clusters whose replica stopped writing their heartbeats are disconnected', clusters: disconnected });
    return disconnected;
  }
}
