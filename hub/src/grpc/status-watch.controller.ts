import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { type Metadata, status } from '@grpc/grpc-js';
import type { StatusEvent, WatchRequest } from '@flotilla/proto';
import { defer, mergeMap, type Observable } from 'rxjs';
import { ApiTokensService } from '../auth/api-tokens.service.js';
import { bearerToken } from '../auth/bearer-token.js';
import { GrpcError } from './grpc-error.js';
import { StatusStream } from './status-stream.service.js';

/** gRPC flotilla.v1.StatusService; watchers authenticate with an API token (any role) as `authorization: Bearer …`. */
@Controller()
export class StatusWatchController {
  constructor(
    private readonly stream: StatusStream,
    private readonly tokens: ApiTokensService,
  ) {}

  @GrpcMethod('StatusService', 'Watch')
  watch(request: WatchRequest, metadata: Metadata): Observable<StatusEvent> {
    return defer(async () => {
      const token = bearerToken(metadata?.get('authorization')[0]);
      if (!token) throw new GrpcError(status.UNAUTHENTICATED, 'missing API token: send "authorization: Bearer <token>"');
      const check = await this.tokens.authenticate(token);
      if ('refused' in check) throw new GrpcError(status.UNAUTHENTICATED, check.refused);
    }).pipe(mergeMap(() => this.stream.watch(request)));
  }
}
