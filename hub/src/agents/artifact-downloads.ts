import { Injectable, Logger } from '@nestjs/common';
import { FlotillaError, isArtifactDigest } from '@flotilla/core';
import { ArtifactsService } from '../artifacts/artifacts.service.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import { StatusService } from '../status/status.service.js';

/**
 * Agents downloading artifacts: authenticated with the cluster credential, as on Connect, and only artifacts that
 * cluster is assigned or has in its history (what a rollback returns to).
 */
@Injectable()
export class ArtifactDownloads {
  private readonly logger = new Logger('agents');

  constructor(
    private readonly credentials: ClusterCredentials,
    private readonly assignments: AssignmentsService,
    private readonly statuses: StatusService,
    private readonly artifacts: ArtifactsService,
  ) {}

  /** The canonical bytes of an artifact for the agent holding `token`. */
  async open(token: string | undefined, digest: string): Promise<{ cluster: string; bytes: Buffer }> {
    if (!token) throw new FlotillaError('UNAUTHENTICATED', 'missing credential: send "authorization: Bearer <cluster credential>"');
    const check = await this.credentials.authenticate(token);
    if ('refused' in check) throw new FlotillaError('UNAUTHENTICATED', check.refused);
    const cluster = check.cluster;
    if (!isArtifactDigest(digest)) throw new FlotillaError('INVALID_ARGUMENT', `digest "${digest.slice(0, 80)}" is not sha256:<64 lowercase hex>`, { data: { digest: digest.slice(0, 80) } });
    const named = (await this.assignments.namesArtifact(cluster, digest)) || (await this.statuses.historyNamesArtifact(cluster, digest));
    if (!named) {
      if (await this.artifacts.has(digest)) {
        this.logger.warn({ msg: 'refused an artifact not assigned to the cluster', cluster, digest });
        throw new FlotillaError('PERMISSION_DENIED', `artifact ${digest} is not assigned to cluster "${cluster}"`, { data: { cluster, digest } });
      }
      throw new FlotillaError('NOT_FOUND', `artifact ${digest} not found`, { data: { digest } });
    }
    const bytes = await this.artifacts.read(digest);
    if (!bytes) throw new FlotillaError('NOT_FOUND', `artifact ${digest} not found (it was collected: the hub renders it again on the next change)`, { data: { digest } });
    await this.artifacts.touch(digest);
    return { cluster, bytes };
  }
}
