import { Controller, Get, Param, Query } from '@nestjs/common';
import { type AppManifestsQuery, appManifestsQuerySchema, type AppManifestsView, OPERATIONS } from '@flotilla/api';
import { decodeArtifact, FlotillaError, formatRevision } from '@flotilla/core';
import { AppsService } from '../apps/apps.service.js';
import { ArtifactsService } from '../artifacts/artifacts.service.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { AssignmentsService } from './assignments.service.js';
import { redactSecrets } from './redact-secrets.js';

/** GET /api/v1/apps/{name}/manifests: what an app applies on one cluster, read from that cluster's artifact. */
@Controller('api/v1/apps')
export class AppManifestsController {
  constructor(
    private readonly apps: AppsService,
    private readonly assignments: AssignmentsService,
    private readonly artifacts: ArtifactsService,
  ) {}

  @Get(':name/manifests')
  @ApiOperationOf(OPERATIONS.getAppManifests)
  async manifests(@Param('name') name: string, @Query(new ZodPipe(appManifestsQuerySchema, 'query')) query: AppManifestsQuery): Promise<AppManifestsView> {
    await this.apps.get(name);
    const assignment = await this.assignments.find(name, query.cluster);
    if (!assignment?.active) {
      throw new FlotillaError('NOT_FOUND', `app "${name}" is not assigned to cluster "${query.cluster}"`, { data: { app: name, cluster: query.cluster } });
    }
    if (!assignment.artifactDigest) {
      throw new FlotillaError('NOT_FOUND', `app "${name}" has no artifact for cluster "${query.cluster}" yet (not rendered yet, or its revision failed to render: see GET /api/v1/apps/${name})`, {
        data: { app: name, cluster: query.cluster },
      });
    }
    const bytes = await this.artifacts.read(assignment.artifactDigest);
    if (!bytes) throw new FlotillaError('NOT_FOUND', `artifact ${assignment.artifactDigest} of app "${name}" on cluster "${query.cluster}" is no longer stored`, { data: { digest: assignment.artifactDigest } });
    const artifact = decodeArtifact(bytes, assignment.artifactDigest);
    return {
      app: name,
      cluster: query.cluster,
      revision: assignment.commit ? formatRevision({ ref: assignment.ref, commit: assignment.commit }) : null,
      artifact: { digest: assignment.artifactDigest, size: bytes.byteLength },
      objects: artifact.objects.map(({ object, source }) => ({ object: redactSecrets(object), source: { file: source.file, line: source.line } })),
    };
  }
}
