import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { App } from '../apps/app.entity.js';
import { ASSIGNMENT_GATE } from '../assignments/assignment-gate.js';
import { Assignment } from '../assignments/assignment.entity.js';
import { Cluster } from '../clusters/cluster.entity.js';
import { Source } from '../sources/source.entity.js';
import { ClusterAppStatus } from '../status/cluster-app-status.entity.js';
import { HistoryEntry } from '../status/history-entry.entity.js';
import { Pin } from './pin.entity.js';
import { RollbacksController } from './rollbacks.controller.js';
import { RollbacksService } from './rollbacks.service.js';
import { RolloutCluster } from './rollout-cluster.entity.js';
import { RolloutLocks } from './rollout-locks.js';
import { RolloutNotifier } from './rollout-notifier.js';
import { RolloutPlanner } from './rollout-planner.service.js';
import { RolloutStore } from './rollout-store.js';
import { Rollout } from './rollout.entity.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsService } from './rollouts.service.js';

/**
 * Rollouts: the gate of the assignments controller (which commit each cluster runs now), rollout operations,
 * rollbacks and pins. Reads assignments, statuses and history through their tables, so it depends on no other module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Rollout, RolloutCluster, Pin, App, Assignment, Cluster, Source, ClusterAppStatus, HistoryEntry])],
  controllers: [RolloutsController, RollbacksController],
  providers: [RolloutLocks, RolloutStore, RolloutNotifier, RolloutPlanner, RolloutsService, RollbacksService, { provide: ASSIGNMENT_GATE, useExisting: RolloutPlanner }],
  exports: [ASSIGNMENT_GATE, RolloutsService],
})
export class RolloutsModule {}
