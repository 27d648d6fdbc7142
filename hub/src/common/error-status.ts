import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorCode } from '@flotilla/core';

/** The one table mapping error codes to HTTP and gRPC statuses. */
export const ERROR_STATUS: Record<ErrorCode, { http: number; grpc: GrpcStatus }> = {
  INVALID_ARGUMENT: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  INVALID_REVISION: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  ALREADY_EXISTS: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  CONFLICT: { http: 409, grpc: GrpcStatus.ABORTED },
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED },
  PERMISSION_DENIED: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED },
  RESOURCE_EXHAUSTED: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  FAILED_PRECONDITION: { http: 412, grpc: GrpcStatus.FAILED_PRECONDITION },
  UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL },
  RENDER_FAILED: { http: 422, grpc: GrpcStatus.INVALID_ARGUMENT },
  INVALID_MANIFEST: { http: 422, grpc: GrpcStatus.INVALID_ARGUMENT },
  DUPLICATE_OBJECT: { http: 422, grpc: GrpcStatus.INVALID_ARGUMENT },
  UNKNOWN_VARIABLE: { http: 422, grpc: GrpcStatus.INVALID_ARGUMENT },
  MANIFEST_TOO_LARGE: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  INVALID_INVENTORY: { http: 500, grpc: GrpcStatus.DATA_LOSS },
  DRY_RUN_FAILED: { http: 422, grpc: GrpcStatus.FAILED_PRECONDITION },
  APPLY_FAILED: { http: 422, grpc: GrpcStatus.FAILED_PRECONDITION },
  INVALID_ARTIFACT: { http: 500, grpc: GrpcStatus.DATA_LOSS },
};
