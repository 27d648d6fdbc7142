import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import type { AgentMessage, HubMessage, JoinRequest, JoinResponse } from '@flotilla/proto';
import { from, Observable } from 'rxjs';
import { peerAddress, toGrpcError } from '../grpc/to-grpc-error.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import { AgentSessions } from './agent-sessions.service.js';

/** gRPC flotilla.v1.AgentService: translates calls to the session and identity services, nothing more. */
@Controller()
export class AgentStreamController {
  constructor(
    private readonly sessions: AgentSessions,
    private readonly credentials: ClusterCredentials,
  ) {}

  @GrpcStreamMethod('AgentService', 'Connect')
  connect(messages: Observable<AgentMessage>, metadata: Metadata): Observable<HubMessage> {
    return this.sessions.connect(messages, metadata);
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
}
