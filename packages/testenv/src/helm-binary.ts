import { type EnsureToolOptions, goToolBuild, type ToolBinary } from './go-tool-build.js';

/** The helm binary built by helm/build.sh. */
export type HelmBinary = ToolBinary;

/** Where to build and how to report progress (`cacheDir`: build.sh's FLOTILLA_HELM_CACHE). */
export type EnsureHelmOptions = EnsureToolOptions;

const helmBuild = goToolBuild('helm');

/**
 * Builds helm from its Go module (once per cache) or finds it: no helm package exists for these machines and nothing
 * may be downloaded from release pages, but `go install helm.sh/helm/v3/cmd/helm@<version>` works from the proxy.
 */
export function ensureHelm(options: EnsureHelmOptions = {}): Promise<HelmBinary> {
  return helmBuild.ensure(options);
}
