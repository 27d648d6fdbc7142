import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftModule } from '../drift/drift.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { RenderingModule } from '../rendering/rendering.module.js';
import { RolloutsModule } from '../rollouts/rollouts.module.js';
import { StatusModule } from '../status/status.module.js';
import { AgentStreamController } from './agent-stream.controller.js';
import { StatusStream, StatusStreamChannels } from './status-stream.service.js';
import { StatusWatchController } from './status-watch.controller.js';

/**
 * The gRPC edge: AgentService and StatusService, the one place where the generated wire types are mapped to the
 * hub's own (past this folder nothing imports @flotilla/proto).
 */
@Module({
  imports: [AgentsModule, IdentityModule, ClustersModule, AssignmentsModule, StatusModule, DriftModule, RolloutsModule, RenderingModule],
  controllers: [AgentStreamController, StatusWatchController],
  providers: [StatusStreamChannels, StatusStream],
  exports: [StatusStream],
})
export class GrpcEdgeModule {}
