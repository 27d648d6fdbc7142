import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftModule } from '../drift/drift.module.js';
import { ClusterAppStatus } from './cluster-app-status.entity.js';
import { HistoryEntry } from './history-entry.entity.js';
import { StatusStream } from './status-stream.service.js';
import { StatusWatchController } from './status-watch.controller.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';

/** Reported status, history, and the status stream (gRPC StatusService). */
@Module({
  imports: [TypeOrmModule.forFeature([ClusterAppStatus, HistoryEntry]), AppsModule, AssignmentsModule, ClustersModule, DriftModule],
  controllers: [StatusController, StatusWatchController],
  providers: [StatusService, StatusStream],
  exports: [StatusService, StatusStream],
})
export class StatusModule {}
