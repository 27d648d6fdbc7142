import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import type { Metadata, ServerDuplexStream, ServerUnaryCall } from '@grpc/grpc-js';
import type { AgentMessage, ArtifactChunk, FetchArtifactRequest, HubMessage, JoinRequest, JoinResponse } from '@flotilla/proto';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { AgentConnections } from '../agents/agent-connections.js';
import { ArtifactDownloads } from '../agents/artifact-downloads.js';
import { bearerToken } from '../auth/bearer-token.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import { fromAgentMessage, toHubMessage, toStreamGrpcError } from './agent-stream-mapping.js';
import { toArtifactChunks } from './artifact-chunks.js';
import { peerAddress, toGrpcError } from './to-grpc-error.js';

/** gRPC flotilla.v1.AgentService: maps the wire to the agents domain and back, nothing more. */
@Controller()
export class AgentStreamController {
  constructor(
    private readonly connections: AgentConnections,
    private readonly credentials: ClusterCredentials,
    private readonly downloads: ArtifactDownloads,
  ) {}

  /**
   * The stream is served on grpc-js's call itself (GrpcStreamCall), not through Nest's Observable wrapping of it, and
   * the handler returns at once: a hub holds thousands of these streams, and whatever Nest's call pipeline (context,
   * interceptors, rxjs operators, promises) keeps while a handler is pending was kept for as long as the stream stayed
   * open, about 10 KiB per stream (a heap snapshot at 10,000 streams; test/bench/README.md).
   */
  @GrpcStreamCall('AgentService', 'Connect')
  connect(call: ServerDuplexStream<AgentMessage, HubMessage>): void {
    let ended = false;
    const stream = this.connections.connect(bearerToken(call.metadata.get('authorization')[0]), {
      send: (message) => {
        if (!ended) call.write(toHubMessage(message));
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        // grpc-js sends an error emitted on the call as the stream's status.
        if (error) call.emit('error', toStreamGrpcError(error));
        else call.end();
      },
    });
    call.on('data', (message: AgentMessage) => stream.receive(fromAgentMessage(message)));
    const closed = (): void => stream.closed();
    call.on('end', closed);
    call.on('cancelled', closed);
    call.on('error', closed);
  }

  @GrpcMethod('AgentService', 'Join')
  join(request: JoinRequest, _metadata: Metadata, call: ServerUnaryCall<JoinRequest, JoinResponse>): Observable<JoinResponse> {
    // An Observable, not a Promise: Nest's unary handler reports an Observable's error as the call's status.
    const joined = this.credentials
      .join({ joinToken: request.joinToken ?? '', cluster: request.cluster ?? '', agentVersion: request.agentVersion ?? '' }, peerAddress(call.getPeer()))
      .then(({ credential }): JoinResponse => ({ credential, expiresAt: undefined }))
      .catch((error: unknown) => {
        throw toGrpcError(error);
      });
    return from(joined);
  }

  @GrpcMethod('AgentService', 'FetchArtifact')
  fetchArtifact(request: FetchArtifactRequest, metadata: Metadata): Observable<ArtifactChunk> {
    const token = bearerToken(metadata.get('authorization')[0]);
    return from(this.downloads.open(token, request.digest ?? '')).pipe(
      mergeMap(({ bytes }) => from(toArtifactChunks(bytes))),
      catchError((error: unknown) => throwError(() => toGrpcError(error))),
    );
  }
}
