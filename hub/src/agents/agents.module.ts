import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { DriftModule } from '../drift/drift.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { StatusModule } from '../status/status.module.js';
import { AgentCommands } from './agent-commands.service.js';
import { AgentConnections } from './agent-connections.js';
import { AgentCredentialSweeper } from './agent-credential-sweeper.js';
import { AgentMessageRouter } from './agent-message-router.js';
import { AgentPresence } from './agent-presence.js';
import { AgentSessionRegistry } from './agent-session-registry.js';
import { AppSyncController } from './app-sync.controller.js';
import { AppSync } from './app-sync.service.js';
import { ArtifactDownloads } from './artifact-downloads.js';
import { AssignmentPusher } from './assignment-pusher.js';
import { ClusterCredentialsController } from './cluster-credentials.controller.js';

/** Agent streams as the hub's domain sees them (the gRPC AgentService itself is served at the gRPC edge). */
@Module({
  imports: [AppsModule, ClustersModule, AssignmentsModule, SourcesModule, StatusModule, IdentityModule, DriftModule, ArtifactsModule],
  controllers: [ClusterCredentialsController, AppSyncController],
  providers: [AgentSessionRegistry, AgentConnections, AgentMessageRouter, AssignmentPusher, AgentPresence, AgentCredentialSweeper, AgentCommands, AppSync, ArtifactDownloads],
  exports: [AgentConnections, AgentSessionRegistry, AgentCommands, ArtifactDownloads],
})
export class AgentsModule {}
