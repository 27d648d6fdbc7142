import * as grpc from '@grpc/grpc-js';
import { type Artifact, type ArtifactObject, encodeArtifact, type KubeObject } from '@flotilla/core';
import { AgentServiceService, type ArtifactChunk, type FetchArtifactRequest } from '@flotilla/proto';

/**
 * A real grpc-js server serving AgentService.FetchArtifact from the generated service definition: it streams the
 * bytes it was given, in chunks, to a caller with the right credential. It does none of the hub's logic (which
 * clusters may fetch what); the hub's own FetchArtifact is proven end to end with the hub.
 */
export interface ArtifactServer {
  address: string;
  /** Serves `bytes` under `digest` (which need not be their digest: how the agent's check is tested). */
  serve(digest: string, bytes: Uint8Array): void;
  /** FetchArtifact calls answered so far. */
  readonly calls: number;
  stop(): Promise<void>;
}

/** Starts an ArtifactServer on 127.0.0.1 (a free port), plaintext. */
export async function startArtifactServer(options: { credential: string; chunkBytes?: number }): Promise<ArtifactServer> {
  const served = new Map<string, Uint8Array>();
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  let calls = 0;
  const server = new grpc.Server();
  server.addService(AgentServiceService, {
    fetchArtifact(call: grpc.ServerWritableStream<FetchArtifactRequest, ArtifactChunk>) {
      calls++;
      if (call.metadata.get('authorization')[0] !== `Bearer ${options.credential}`) {
        call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'unknown credential' });
        return;
      }
      const bytes = served.get(call.request.digest);
      if (!bytes) {
        call.emit('error', { code: grpc.status.NOT_FOUND, details: `no artifact ${call.request.digest}` });
        return;
      }
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) call.write({ data: Buffer.from(bytes.subarray(offset, offset + chunkBytes)) });
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    serve: (digest, bytes) => served.set(digest, bytes),
    get calls() {
      return calls;
    },
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** An artifact of these objects, each from `file` (its index + 1 as the line), with its canonical bytes and digest. */
export function artifactOf(objects: ReadonlyArray<KubeObject | ArtifactObject>, file = 'web/manifests.yaml') {
  const isPlaced = (o: KubeObject | ArtifactObject): o is ArtifactObject => 'source' in o && 'object' in o;
  const artifact: Artifact = { objects: objects.map((o, index) => (isPlaced(o) ? o : { object: o, source: { file, line: index + 1 } })) };
  const { bytes, digest } = encodeArtifact(artifact);
  return { artifact, bytes, digest, ref: { digest, size: bytes.length } };
}
