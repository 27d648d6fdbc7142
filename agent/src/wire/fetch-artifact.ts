import * as grpc from '@grpc/grpc-js';
import { artifactDigest, FlotillaError } from '@flotilla/core';
import type { AgentServiceClient, ArtifactChunk } from '@flotilla/proto';
import type { ArtifactRef } from '../assignment/agent-assignment.js';
import { ArtifactError, type ArtifactErrorCode } from '../assignment/artifact-error.js';

/** What one FetchArtifact call needs. */
export interface FetchArtifactOptions {
  /** A client on the hub's channel (the connection's own). */
  client: AgentServiceClient;
  /** The cluster credential, sent as on Connect. */
  credential: string;
  artifact: ArtifactRef;
  signal?: AbortSignal;
  /** Deadline of the whole download; default 5 minutes. */
  timeoutMs?: number;
  /** Largest artifact accepted; default 512 MiB. */
  maxBytes?: number;
}

const STATUS_CODES: Partial<Record<grpc.status, ArtifactErrorCode>> = {
  [grpc.status.NOT_FOUND]: 'ARTIFACT_NOT_FOUND',
  [grpc.status.PERMISSION_DENIED]: 'ARTIFACT_REFUSED',
  [grpc.status.UNAUTHENTICATED]: 'ARTIFACT_REFUSED',
};

/**
 * Downloads an artifact with AgentService.FetchArtifact and returns its bytes, checked: exactly `size` bytes (written
 * into one buffer of that size as the chunks arrive, so memory stays at the artifact's size) whose sha256 is the
 * digest. Fails with an ArtifactError (hub unreachable, unknown digest, refused) or INVALID_ARTIFACT (wrong bytes).
 */
export function fetchArtifact(options: FetchArtifactOptions): Promise<Buffer> {
  const { digest, size } = options.artifact;
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  if (!Number.isSafeInteger(size) || size < 0 || size > maxBytes) {
    return Promise.reject(new FlotillaError('INVALID_ARTIFACT', `artifact ${digest}: size ${size} is not between 0 and ${maxBytes} bytes; refusing it`, { data: { digest, size } }));
  }
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${options.credential}`);
  const deadline = new Date(Date.now() + (options.timeoutMs ?? 300_000));
  const bytes = Buffer.allocUnsafe(size);
  let received = 0;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      call.cancel();
      reject(error);
    };
    const onAbort = () => fail(new ArtifactError('ARTIFACT_UNAVAILABLE', `fetching artifact ${digest}: aborted`, digest));
    const call = options.client.fetchArtifact({ digest }, metadata, { deadline });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    call.on('data', (chunk: ArtifactChunk) => {
      if (received + chunk.data.length > size) {
        fail(new FlotillaError('INVALID_ARTIFACT', `artifact ${digest}: the hub sent more than its ${size} bytes; refusing it`, { data: { digest, size } }));
        return;
      }
      bytes.set(chunk.data, received);
      received += chunk.data.length;
    });
    call.on('error', (error: grpc.ServiceError) => {
      const code = STATUS_CODES[error.code] ?? 'ARTIFACT_UNAVAILABLE';
      fail(new ArtifactError(code, `fetching artifact ${digest} from the hub: ${grpc.status[error.code] ?? error.code}: ${error.details || error.message}`, digest, { cause: error }));
    });
    call.on('end', () => {
      if (settled) return;
      if (received !== size) {
        fail(new FlotillaError('INVALID_ARTIFACT', `artifact ${digest}: the hub sent ${received} of its ${size} bytes; refusing it`, { data: { digest, size, received } }));
        return;
      }
      const actual = artifactDigest(bytes);
      if (actual !== digest) {
        fail(new FlotillaError('INVALID_ARTIFACT', `artifact ${digest}: its bytes hash to ${actual}; refusing it`, { data: { digest, actual } }));
        return;
      }
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve(bytes);
    });
  });
}
