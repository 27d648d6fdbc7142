import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Leases } from '../replicas/leases.js';
import { ArtifactsService } from './artifacts.service.js';

/** How often unreferenced artifacts are looked for. */
const SWEEP_INTERVAL_MS = 10 * 60_000;
/** How long an unreferenced artifact is kept after its last use (a render in flight may be about to name it). */
export const ARTIFACT_GRACE_MS = 60 * 60_000;

/**
 * Collects artifacts that no assignment or history entry names, once they have been unused for a while; on the
 * replica holding the `artifact-retention` lease only.
 */
@Injectable()
export class ArtifactRetention implements OnApplicationBootstrap {
  private readonly logger = new Logger('artifacts');

  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly leases: Leases,
  ) {}

  onApplicationBootstrap(): void {
    // Stopped with the others by Leases when the hub shuts down.
    this.leases.singleton('artifact-retention', SWEEP_INTERVAL_MS, async () => void (await this.sweep()));
  }


  /** One pass; failures are logged, the next pass tries again. */
  async sweep(now = new Date()): Promise<number> {
    try {
      return await this.artifacts.collect(new Date(now.getTime() - ARTIFACT_GRACE_MS));
    } catch (error) {
      this.logger.warn({ msg: 'collecting artifacts failed', error: (error as Error).message });
      return 0;
    }
  }
}
