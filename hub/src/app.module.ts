import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { HubConfig } from './config/hub-config.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { migrations } from './database/migrations/index.js';
import { HealthModule } from './health/health.module.js';

/** The hub's root module, built from a validated configuration. */
@Module({})
export class AppModule {
  static register(config: HubConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), migrations, autoLoadEntities: true }),
        HealthModule,
      ],
    };
  }
}
