import { Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { type CredentialRotationView, type JoinTokenView, OPERATIONS } from '@flotilla/api';
import { Actor } from '../common/actor.decorator.js';
import { RequireRole } from '../auth/require-role.decorator.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { AgentCommands } from './agent-commands.service.js';

/** /api/v1/clusters/{name}/…: the identity of a cluster's agent (admin only). */
@RequireRole('admin')
@Controller('api/v1/clusters/:name')
export class ClusterCredentialsController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly credentials: ClusterCredentials,
    private readonly commands: AgentCommands,
  ) {}

  @Post('join-token')
  @HttpCode(201)
  @ApiOperationOf(OPERATIONS.issueJoinToken)
  async issueJoinToken(@Param('name') name: string, @Actor() actor: string): Promise<JoinTokenView> {
    await this.clusters.get(name);
    const { joinToken, expiresAt } = await this.credentials.issueJoinToken(name);
    return { cluster: name, joinToken, expiresAt: expiresAt.toISOString(), issuedBy: actor };
  }

  @Post('credential/rotate')
  @HttpCode(200)
  @ApiOperationOf(OPERATIONS.rotateClusterCredential)
  async rotate(@Param('name') name: string, @Actor() actor: string): Promise<CredentialRotationView> {
    await this.clusters.get(name);
    const { previousExpiresAt } = await this.commands.rotateCredential(name, actor);
    return { cluster: name, previousExpiresAt: previousExpiresAt.toISOString() };
  }

  @Delete('credential')
  @HttpCode(204)
  @ApiOperationOf(OPERATIONS.revokeClusterCredential)
  async revoke(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.clusters.get(name);
    await this.credentials.revoke(name, actor);
  }
}
