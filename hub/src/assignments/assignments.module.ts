import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { App } from '../apps/app.entity.js';
import { Cluster } from '../clusters/cluster.entity.js';
import { RolloutsModule } from '../rollouts/rollouts.module.js';
import { Source } from '../sources/source.entity.js';
import { Assignment } from './assignment.entity.js';
import { AssignmentsService } from './assignments.service.js';

/** Assignments: what each cluster must run for each app (when, the rollouts decide). */
@Module({ imports: [TypeOrmModule.forFeature([Assignment, App, Cluster, Source]), RolloutsModule], providers: [AssignmentsService], exports: [AssignmentsService] })
export class AssignmentsModule {}
