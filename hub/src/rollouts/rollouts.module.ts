import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { StatusModule } from '../status/status.module.js';
import { Pin } from './pin.entity.js';
import { RollbacksController } from './rollbacks.controller.js';
import { RollbacksService } from './rollbacks.service.js';
import { RolloutCluster } from './rollout-cluster.entity.js';
import { RolloutEvents } from './rollout-events.js';
import { RolloutLocks } from './rollout-locks.js';
import { RolloutMetrics } from './rollout-metrics.js';
import { RolloutNotifier } from './rollout-notifier.js';
import { RolloutPlanner } from './rollout-planner.service.js';
import { RolloutStore } from './rollout-store.js';
import { RolloutTicker } from './rollout-ticker.js';
import { Rollout } from './rollout.entity.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsService } from './rollouts.service.js';

/**
 * Rollouts: the gate of the assignments controller (which commit each cluster runs now), rollout operations,
 * rollbacks and pins. Owns the rollouts, their clusters and the pins; reads apps, clusters, sources, assignments,
 * statuses and history through their services, and registers its planner as the assignments' gate.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Rollout, RolloutCluster, Pin]), AppsModule, AssignmentsModule, ClustersModule, SourcesModule, StatusModule],
  controllers: [RolloutsController, RollbacksController],
  providers: [RolloutEvents, RolloutLocks, RolloutStore, RolloutNotifier, RolloutPlanner, RolloutsService, RollbacksService, RolloutMetrics, RolloutTicker],
  exports: [RolloutsService, RolloutEvents],
})
export class RolloutsModule implements OnModuleInit {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly planner: RolloutPlanner,
  ) {}

  onModuleInit(): void {
    this.assignments.useGate(this.planner);
  }
}
