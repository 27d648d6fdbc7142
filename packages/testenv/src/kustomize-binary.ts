import { fileURLToPath } from 'node:url';
import { BuildRunner, type BuildOptions } from './build-runner.js';

/** The kustomize binary built by kustomize/build.sh. */
export interface KustomizeBinary {
  path: string;
}

/** Where to build and how to report progress. */
export interface EnsureKustomizeOptions extends BuildOptions {
  /** Cache root (build.sh's FLOTILLA_KUSTOMIZE_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/kustomize`. */
  cacheDir?: string;
}

const kustomizeBuild = new BuildRunner<KustomizeBinary>({
  // `../kustomize/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
  path: fileURLToPath(new URL('../kustomize/build.sh', import.meta.url)),
  cacheVariable: 'FLOTILLA_KUSTOMIZE_CACHE',
  component: 'kustomize/build.sh',
  // build.sh prints the path of the binary.
  resultOf: (path) => ({ path }),
});

/**
 * Builds kustomize from its Go module (once per cache) or finds it: `go install
 * sigs.k8s.io/kustomize/kustomize/v5@<version>` works from the proxy, and nothing may be downloaded from release pages.
 */
export function ensureKustomize(options: EnsureKustomizeOptions = {}): Promise<KustomizeBinary> {
  return kustomizeBuild.ensure(options);
}
