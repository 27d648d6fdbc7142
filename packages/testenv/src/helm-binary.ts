import { fileURLToPath } from 'node:url';
import { BuildRunner, type BuildOptions } from './build-runner.js';

/** The helm binary built by helm/build.sh. */
export interface HelmBinary {
  path: string;
}

/** Where to build and how to report progress. */
export interface EnsureHelmOptions extends BuildOptions {
  /** Cache root (build.sh's FLOTILLA_HELM_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/helm`. */
  cacheDir?: string;
}

const helmBuild = new BuildRunner<HelmBinary>({
  // `../helm/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
  path: fileURLToPath(new URL('../helm/build.sh', import.meta.url)),
  cacheVariable: 'FLOTILLA_HELM_CACHE',
  component: 'helm/build.sh',
  // build.sh prints the path of the binary.
  resultOf: (path) => ({ path }),
});

/**
 * Builds helm from its Go module (once per cache) or finds it: no helm package exists for these machines and nothing
 * may be downloaded from release pages, but `go install helm.sh/helm/v3/cmd/helm@<version>` works from the proxy.
 */
export function ensureHelm(options: EnsureHelmOptions = {}): Promise<HelmBinary> {
  return helmBuild.ensure(options);
}
