import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftModule } from '../drift/drift.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { Source } from '../sources/source.entity.js';
import { StatusModule } from '../status/status.module.js';
import { AgentCommands } from './agent-commands.service.js';
import { AgentSessions } from './agent-sessions.service.js';
import { AgentStreamController } from './agent-stream.controller.js';
import { ClusterCredentialsController } from './cluster-credentials.controller.js';

/** The agent stream (gRPC AgentService). */
@Module({
  imports: [TypeOrmModule.forFeature([Source]), ClustersModule, AssignmentsModule, StatusModule, IdentityModule, DriftModule],
  controllers: [AgentStreamController, ClusterCredentialsController],
  providers: [AgentSessions, AgentCommands],
  exports: [AgentSessions, AgentCommands],
})
export class AgentsModule {}
