import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import type { AgentMessage, ArtifactChunk, FetchArtifactRequest, HubMessage, JoinRequest, JoinResponse } from '@flotilla/proto';
import { catchError, from, map, mergeMap, Observable, throwError } from 'rxjs';
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

  @GrpcStreamMethod('AgentService', 'Connect')
  connect(messages: Observable<AgentMessage>, metadata: Metadata): Observable<HubMessage> {
    const token = bearerToken(metadata.get('authorization')[0]);
    return this.connections.connect(messages.pipe(map(fromAgentMessage)), token).pipe(
      map(toHubMessage),
      catchError((error: unknown) => throwError(() => toStreamGrpcError(error))),
    );
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
