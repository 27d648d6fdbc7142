import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { StatusEvent, WatchRequest } from '@flotilla/proto';
import type { Observable } from 'rxjs';
import { StatusStream } from './status-stream.service.js';

/** gRPC flotilla.v1.StatusService. */
@Controller()
export class StatusWatchController {
  constructor(private readonly stream: StatusStream) {}

  @GrpcMethod('StatusService', 'Watch')
  watch(request: WatchRequest): Observable<StatusEvent> {
    return this.stream.watch(request);
  }
}
