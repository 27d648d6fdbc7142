import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventLog } from './event-log.js';
import { EventRetention } from './event-retention.js';
import { FleetEventRow } from './fleet-event.entity.js';
import { Lease } from './lease.entity.js';
import { Leases } from './leases.js';
import { newReplica, REPLICA } from './replica.js';
import { ReplicaCalls } from './replica-calls.js';
import { SqliteSingleReplica } from './sqlite-single-replica.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/**
 * What replicas share through the database: this process's identity, the fleet event log and its retention, calls
 * between replicas, leases, and the webhook deliveries accepted.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([FleetEventRow, Lease, WebhookDelivery])],
  providers: [{ provide: REPLICA, useFactory: newReplica }, EventLog, ReplicaCalls, Leases, EventRetention, WebhookDeliveries, SqliteSingleReplica],
  exports: [REPLICA, TypeOrmModule, EventLog, ReplicaCalls, Leases, WebhookDeliveries, SqliteSingleReplica],
})
export class ReplicasModule {}
