import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { HubConfig } from './config/hub-config.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { migrations } from './database/migrations/index.js';
import { openMigrated } from './database/migrate-once.js';
import { AgentsModule } from './agents/agents.module.js';
import { AppsModule } from './apps/apps.module.js';
import { AssignmentsModule } from './assignments/assignments.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { SourcesModule } from './sources/sources.module.js';
import { RenderingModule } from './rendering/rendering.module.js';
import { RolloutsModule } from './rollouts/rollouts.module.js';
import { StatusModule } from './status/status.module.js';
import { ClustersModule } from './clusters/clusters.module.js';
import { DriftModule } from './drift/drift.module.js';
import { MetricsRegistryModule } from './metrics/metrics.module.js';
import { FleetMetricsModule } from './fleet-metrics/fleet-metrics.module.js';
import { GrpcEdgeModule } from './grpc/grpc-edge.module.js';
import { HUB_CONFIG } from './common/hub-config.provider.js';
import { HealthModule } from './health/health.module.js';
import { SecretsModule } from './secrets/secrets.module.js';
import { FeedModule } from './feed/feed.module.js';
import { UiModule } from './ui/ui.module.js';
import { ReplicasModule } from './replicas/replicas.module.js';

/** The hub's root module, built from a validated configuration. */
@Module({})
export class AppModule {
  static register(config: HubConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: HUB_CONFIG, useValue: config }],
      exports: [HUB_CONFIG],
      imports: [
        MetricsRegistryModule,
        ReplicasModule,
        AuditModule,
        AuthModule,
        SecretsModule,
        ClustersModule,
        SourcesModule,
        AppsModule,
        RenderingModule,
        AssignmentsModule,
        RolloutsModule,
        StatusModule,
        DriftModule,
        AgentsModule,
        GrpcEdgeModule,
        FleetMetricsModule,
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config), migrations, autoLoadEntities: true }),
          dataSourceFactory: (options) => openMigrated(options as DataSourceOptions),
        }),
        HealthModule,
        FeedModule,
        UiModule,
      ],
    };
  }
}
