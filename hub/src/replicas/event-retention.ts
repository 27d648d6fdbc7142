import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { FleetEventRow } from './fleet-event.entity.js';
import { Leases } from './leases.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** How often old fleet events and expired webhook deliveries are deleted. */
const SWEEP_INTERVAL_MS = 60_000;

/** What one pass deleted. */
export interface RetentionPass {
  events: number;
  deliveries: number;
}

/**
 * Keeps the tables replicas share bounded: deletes fleet events older than `eventRetentionSeconds` and webhook
 * deliveries past their replay window. On the replica holding the `event-retention` lease only.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap {
  private readonly logger = new Logger('replicas');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly leases: Leases,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Stopped with the others by Leases when the hub shuts down.
    this.leases.singleton('event-retention', SWEEP_INTERVAL_MS, async () => void (await this.sweep()));
  }


  /** One pass. */
  async sweep(now = Date.now()): Promise<RetentionPass> {
    const events = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(FleetEventRow)
      .where('"createdAt" < :before', { before: now - this.config.eventRetentionSeconds * 1000 })
      .execute();
    const deliveries = await this.dataSource.createQueryBuilder().delete().from(WebhookDelivery).where('"expiresAt" <= :now', { now }).execute();
    const pass = { events: events.affected ?? 0, deliveries: deliveries.affected ?? 0 };
    if (pass.events > 0 || pass.deliveries > 0) this.logger.log({ msg: 'old fleet events and expired webhook deliveries deleted', ...pass });
    return pass;
  }
}
