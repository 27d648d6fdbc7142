import type { ArtifactChunk } from '@flotilla/proto';

/** Largest chunk of a FetchArtifact stream (the contract: at most 1 MiB). */
export const ARTIFACT_CHUNK_BYTES = 1024 * 1024;

/** An artifact's bytes as FetchArtifact chunks, in order; an empty artifact is one empty chunk. */
export function toArtifactChunks(bytes: Buffer): ArtifactChunk[] {
  const chunks: ArtifactChunk[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += ARTIFACT_CHUNK_BYTES) chunks.push({ data: bytes.subarray(offset, offset + ARTIFACT_CHUNK_BYTES) });
  return chunks.length > 0 ? chunks : [{ data: Buffer.alloc(0) }];
}
