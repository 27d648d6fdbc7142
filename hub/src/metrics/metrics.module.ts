import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { Assignment } from '../assignments/assignment.entity.js';
import { Cluster } from '../clusters/cluster.entity.js';
import { StatusModule } from '../status/status.module.js';
import { FleetMetrics } from './fleet-metrics.service.js';
import { MetricsRegistryModule } from './metrics-registry.module.js';
import { StreamMetrics } from './stream-metrics.service.js';

/** Prometheus metrics: the registry and /metrics, and the fleet-wide metrics no single domain module owns. */
@Module({
  imports: [MetricsRegistryModule, TypeOrmModule.forFeature([Cluster, Assignment]), AgentsModule, StatusModule],
  providers: [FleetMetrics, StreamMetrics],
})
export class MetricsModule {}
