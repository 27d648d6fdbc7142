import { type EnsureToolOptions, goToolBuild, type ToolBinary } from './go-tool-build.js';

/** The grpcurl binary built by grpcurl/build.sh. */
export type GrpcurlBinary = ToolBinary;

/** Where to build and how to report progress (`cacheDir`: build.sh's FLOTILLA_GRPCURL_CACHE). */
export type EnsureGrpcurlOptions = EnsureToolOptions;

const grpcurlBuild = goToolBuild('grpcurl');

/**
 * Builds grpcurl from its Go module (once per cache) or finds it: `go install
 * github.com/fullstorydev/grpcurl/cmd/grpcurl@<version>` works from the proxy, and nothing may be downloaded from
 * release pages. A strict, descriptor-based gRPC client, for tests of the hub's server reflection.
 */
export function ensureGrpcurl(options: EnsureGrpcurlOptions = {}): Promise<GrpcurlBinary> {
  return grpcurlBuild.ensure(options);
}
