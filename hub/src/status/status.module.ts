import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftModule } from '../drift/drift.module.js';
import { ClusterAppStatus } from './cluster-app-status.entity.js';
import { HistoryEntry } from './history-entry.entity.js';
import { StatusEvents } from './status-events.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';

/** Reported status and history (the status stream, gRPC StatusService, is served at the gRPC edge). */
@Module({
  imports: [TypeOrmModule.forFeature([ClusterAppStatus, HistoryEntry]), AppsModule, AssignmentsModule, ClustersModule, DriftModule],
  controllers: [StatusController],
  providers: [StatusService, StatusEvents],
  exports: [StatusService, StatusEvents],
})
export class StatusModule {}
