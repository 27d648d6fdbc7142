import { type EnsureToolOptions, goToolBuild, type ToolBinary } from './go-tool-build.js';

/** The kustomize binary built by kustomize/build.sh. */
export type KustomizeBinary = ToolBinary;

/** Where to build and how to report progress (`cacheDir`: build.sh's FLOTILLA_KUSTOMIZE_CACHE). */
export type EnsureKustomizeOptions = EnsureToolOptions;

const kustomizeBuild = goToolBuild('kustomize');

/**
 * Builds kustomize from its Go module (once per cache) or finds it: `go install
 * sigs.k8s.io/kustomize/kustomize/v5@<version>` works from the proxy, and nothing may be downloaded from release pages.
 */
export function ensureKustomize(options: EnsureKustomizeOptions = {}): Promise<KustomizeBinary> {
  return kustomizeBuild.ensure(options);
}
