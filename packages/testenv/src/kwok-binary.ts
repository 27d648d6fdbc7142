import { fileURLToPath } from 'node:url';
import { BuildRunner, type BuildOptions } from './build-runner.js';

/** The kwok binary built by kwok/build.sh. */
export interface KwokBinary {
  path: string;
}

/** Where to build and how to report progress. */
export interface EnsureKwokOptions extends BuildOptions {
  /** Cache root (build.sh's FLOTILLA_KWOK_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/kwok`. */
  cacheDir?: string;
}

/** The Stages KWOK runs with: Nodes go Ready, Pods go Running and Ready (Job Pods complete), `:broken` images crash-loop. */
export const KWOK_STAGES_PATH = fileURLToPath(new URL('../kwok/stages.yaml', import.meta.url));

const kwokBuild = new BuildRunner<KwokBinary>({
  // `../kwok/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
  path: fileURLToPath(new URL('../kwok/build.sh', import.meta.url)),
  cacheVariable: 'FLOTILLA_KWOK_CACHE',
  component: 'kwok/build.sh',
  // build.sh prints the path of the binary.
  resultOf: (path) => ({ path }),
});

/** Builds KWOK from its Go module (`go install sigs.k8s.io/kwok/cmd/kwok@v0.8.0`, once per cache) or finds it. */
export function ensureKwok(options: EnsureKwokOptions = {}): Promise<KwokBinary> {
  return kwokBuild.ensure(options);
}
