import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { RenderingModule } from '../rendering/rendering.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { AppManifestsController } from './app-manifests.controller.js';
import { AssignmentEvents } from './assignment-events.js';
import { Assignment } from './assignment.entity.js';
import { AssignmentsService } from './assignments.service.js';

/** Assignments: what each cluster must run for each app (when, the rollouts decide: they register as its gate). */
@Module({
  imports: [TypeOrmModule.forFeature([Assignment]), AppsModule, ClustersModule, SourcesModule, RenderingModule],
  controllers: [AppManifestsController],
  providers: [AssignmentsService, AssignmentEvents],
  exports: [AssignmentsService, AssignmentEvents],
})
export class AssignmentsModule {}
