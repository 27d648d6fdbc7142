import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftModule } from '../drift/drift.module.js';
import { Source } from '../sources/source.entity.js';
import { StatusModule } from '../status/status.module.js';
import { AgentSessions } from './agent-sessions.service.js';
import { AgentStreamController } from './agent-stream.controller.js';

/** The agent stream (gRPC AgentService). */
@Module({
  imports: [TypeOrmModule.forFeature([Source]), ClustersModule, AssignmentsModule, StatusModule, DriftModule],
  controllers: [AgentStreamController],
  providers: [AgentSessions],
  exports: [AgentSessions],
})
export class AgentsModule {}
