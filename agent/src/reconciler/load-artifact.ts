import { type Artifact, decodeArtifact, FlotillaError, isArtifactDigest } from '@flotilla/core';
import type { Logger } from 'pino';
import type { AgentAssignment, ArtifactRef } from '../assignment/agent-assignment.js';
import { ArtifactError } from '../assignment/artifact-error.js';
import type { ArtifactStore } from '../state/artifact-store.js';

/** Downloads an artifact's checked bytes from the hub (the connection's fetchArtifact). */
export type ArtifactFetcher = (artifact: ArtifactRef, signal: AbortSignal) => Promise<Uint8Array>;

/** Where artifacts come from: the cluster's copies first, then the hub. */
export interface ArtifactSources {
  store: ArtifactStore;
  fetch: ArtifactFetcher;
}

/**
 * The artifact of an assignment, decoded: from the copy kept in the cluster when there is one (so no hub is needed),
 * else fetched from the hub and kept. A damaged copy is deleted and fetched again. The digest is checked either way.
 */
export async function loadArtifact(sources: ArtifactSources, assignment: AgentAssignment, signal: AbortSignal, logger: Logger): Promise<Artifact> {
  const ref = assignment.artifact;
  if (!ref) {
    throw new ArtifactError(
      'ARTIFACT_MISSING',
      `the assignment of ${assignment.app} (generation ${assignment.generation}) names no artifact: its hub does not render, and this agent fetches no Git; upgrade the hub`,
      '',
    );
  }
  if (!isArtifactDigest(ref.digest)) {
    throw new FlotillaError('INVALID_ARTIFACT', `the assignment of ${assignment.app} names artifact "${ref.digest}", which is not sha256:<64 hex>`, { data: { digest: ref.digest } });
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await sources.store.load(ref);
  } catch (error) {
    if (!FlotillaError.is(error, 'INVALID_ARTIFACT')) throw error;
    logger.warn({ digest: ref.digest, err: error.message }, 'stored artifact is damaged; deleting it and fetching it again');
    await sources.store.remove(ref.digest);
  }
  if (bytes === undefined) {
    const startedAt = Date.now();
    bytes = await sources.fetch(ref, signal);
    const stored = await sources.store.save(assignment.app, ref, bytes);
    logger.info({ digest: ref.digest, bytes: ref.size, ...stored, durationMs: Date.now() - startedAt }, 'artifact fetched and stored');
  }
  return decodeArtifact(bytes, ref.digest);
}
