import { fileURLToPath } from 'node:url';
import { BuildRunner, type BuildOptions } from './build-runner.js';

/** A tool binary built from its Go module by `<tool>/build.sh`. */
export interface ToolBinary {
  path: string;
}

/** Where to build and how to report progress: `cacheDir` is build.sh's FLOTILLA_<TOOL>_CACHE (default `${XDG_CACHE_HOME:-~/.cache}/flotilla/<tool>`). */
export type EnsureToolOptions = BuildOptions;

/** The build of one Go tool by its `<tool>/build.sh`, which prints the path of the binary it built or found. */
export function goToolBuild(tool: 'helm' | 'kustomize' | 'grpcurl'): BuildRunner<ToolBinary> {
  return new BuildRunner<ToolBinary>({
    // `../<tool>/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
    path: fileURLToPath(new URL(`../${tool}/build.sh`, import.meta.url)),
    cacheVariable: `FLOTILLA_${tool.toUpperCase()}_CACHE`,
    component: `${tool}/build.sh` as const,
    resultOf: (path) => ({ path }),
  });
}
