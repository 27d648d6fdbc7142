import { fileURLToPath } from 'node:url';
import { BuildRunner, type BuildOptions } from './build-runner.js';

/** The grpcurl binary built by grpcurl/build.sh. */
export interface GrpcurlBinary {
  path: string;
}

/** Where to build and how to report progress. */
export interface EnsureGrpcurlOptions extends BuildOptions {
  /** Cache root (build.sh's FLOTILLA_GRPCURL_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/grpcurl`. */
  cacheDir?: string;
}

const grpcurlBuild = new BuildRunner<GrpcurlBinary>({
  // `../grpcurl/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
  path: fileURLToPath(new URL('../grpcurl/build.sh', import.meta.url)),
  cacheVariable: 'FLOTILLA_GRPCURL_CACHE',
  component: 'grpcurl/build.sh',
  // build.sh prints the path of the binary.
  resultOf: (path) => ({ path }),
});

/**
 * Builds grpcurl from its Go module (once per cache) or finds it: `go install
 * github.com/fullstorydev/grpcurl/cmd/grpcurl@<version>` works from the proxy, and nothing may be downloaded from
 * release pages. A strict, descriptor-based gRPC client, for tests of the hub's server reflection.
 */
export function ensureGrpcurl(options: EnsureGrpcurlOptions = {}): Promise<GrpcurlBinary> {
  return grpcurlBuild.ensure(options);
}
