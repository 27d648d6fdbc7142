import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftEvents } from './drift-events.js';
import { DriftMetrics } from './drift-metrics.js';
import { DriftRecord } from './drift-record.entity.js';
import { DriftController } from './drift.controller.js';
import { DriftService } from './drift.service.js';

/** Drift reported by agents: stored per cluster and app, listed, counted, announced and measured. */
@Module({
  imports: [TypeOrmModule.forFeature([DriftRecord]), AppsModule, ClustersModule, AssignmentsModule],
  controllers: [DriftController],
  providers: [DriftService, DriftEvents, DriftMetrics],
  exports: [DriftService, DriftEvents],
})
export class DriftModule {}
