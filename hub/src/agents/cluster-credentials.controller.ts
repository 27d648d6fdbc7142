import { Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator.js';
import { RequireRole } from '../auth/require-role.decorator.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import { AgentCommands } from './agent-commands.service.js';

/** /api/v1/clusters/{name}/…: the identity of a cluster's agent (admin only). */
@ApiTags('clusters')
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
  @ApiOperation({ summary: 'Issue a new one-time join token for the cluster (shown only this once); an unused earlier one stops working' })
  async issueJoinToken(@Param('name') name: string, @Actor() actor: string) {
    await this.clusters.get(name);
    const { joinToken, expiresAt } = await this.credentials.issueJoinToken(name);
    return { cluster: name, joinToken, expiresAt: expiresAt.toISOString(), issuedBy: actor };
  }

  @Post('credential/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: "Send the connected agent a new credential; the one it uses keeps working for the grace period" })
  async rotate(@Param('name') name: string, @Actor() actor: string) {
    await this.clusters.get(name);
    const { previousExpiresAt } = await this.commands.rotateCredential(name, actor);
    return { cluster: name, previousExpiresAt: previousExpiresAt.toISOString() };
  }

  @Delete('credential')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke the cluster's credential and join token at once, closing its agent's stream; re-join with a new join token" })
  async revoke(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.clusters.get(name);
    await this.credentials.revoke(name, actor);
  }
}
