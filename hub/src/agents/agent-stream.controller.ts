import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import { type Metadata, status } from '@grpc/grpc-js';
import type { AgentMessage, HubMessage, JoinRequest, JoinResponse } from '@flotilla/proto';
import { Observable, throwError } from 'rxjs';
import { GrpcError } from '../grpc/grpc-error.js';
import { AgentSessions } from './agent-sessions.service.js';

/** gRPC flotilla.v1.AgentService: translates calls to the session service, nothing more. */
@Controller()
export class AgentStreamController {
  constructor(private readonly sessions: AgentSessions) {}

  @GrpcStreamMethod('AgentService', 'Connect')
  connect(messages: Observable<AgentMessage>, metadata: Metadata): Observable<HubMessage> {
    return this.sessions.connect(messages, metadata);
  }

  @GrpcMethod('AgentService', 'Join')
  join(_request: JoinRequest): Observable<JoinResponse> {
    return throwError(() => new GrpcError(status.UNIMPLEMENTED, 'join-token exchange is not available yet; connect with the join token as credential'));
  }
}
