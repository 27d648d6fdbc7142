import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { GrpcEdgeModule } from '../grpc/grpc-edge.module.js';
import { StatusModule } from '../status/status.module.js';
import { FleetMetrics } from './fleet-metrics.service.js';

/** The fleet-wide metrics no single domain module owns (the registry and /metrics are MetricsRegistryModule's). */
@Module({ imports: [ClustersModule, StatusModule, AgentsModule, GrpcEdgeModule], providers: [FleetMetrics] })
export class FleetMetricsModule {}
