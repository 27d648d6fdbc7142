import { status } from '@grpc/grpc-js';
import { FlotillaError } from '@flotilla/core';
import { ERROR_STATUS } from '../common/error-status.js';
import { GrpcError } from './grpc-error.js';

/** The gRPC status a handler ends with for any error: FlotillaErrors by the one status table, others as INTERNAL. */
export function toGrpcError(error: unknown): GrpcError {
  if (error instanceof GrpcError) return error;
  if (error instanceof FlotillaError) return new GrpcError(ERROR_STATUS[error.code].grpc, error.message);
  return new GrpcError(status.INTERNAL, 'internal error; see the hub log');
}

/** The address part of a grpc-js peer (`ipv4:127.0.0.1:5000` → `127.0.0.1`), for rate limits and the audit log. */
export function peerAddress(peer: string): string {
  const withoutScheme = peer.replace(/^(ipv4|ipv6|unix):/, '');
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(withoutScheme);
  if (bracketed) return bracketed[1] as string;
  return withoutScheme.replace(/:\d+$/, '');
}
