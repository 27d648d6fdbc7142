import { Metadata, type status } from '@grpc/grpc-js';

/** An error a gRPC handler ends a call with: grpc-js sends `code` and `details` as the call's status. */
export class GrpcError extends Error {
  readonly metadata = new Metadata();

  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
    this.name = 'GrpcError';
  }
}
