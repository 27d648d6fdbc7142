import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ControlPlaneError } from './control-plane-error.js';

/** The helm binary built by helm/build.sh. */
export interface HelmBinary {
  path: string;
}

/** Where to build and how to report progress. */
export interface EnsureHelmOptions {
  /** Cache root (build.sh's FLOTILLA_HELM_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/helm`. */
  cacheDir?: string;
  /** Receives build.sh's progress output; default: this process's stderr. */
  onProgress?: (chunk: string) => void;
}

// `../helm/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
const buildScript = fileURLToPath(new URL('../helm/build.sh', import.meta.url));
const builds = new Map<string, Promise<HelmBinary>>();

/**
 * Builds helm from its Go module (once per cache) or finds it: no helm package exists for these machines and nothing
 * may be downloaded from release pages, but `go install helm.sh/helm/v3/cmd/helm@<version>` works from the proxy.
 */
export function ensureHelm(options: EnsureHelmOptions = {}): Promise<HelmBinary> {
  const key = options.cacheDir ?? '';
  let build = builds.get(key);
  if (!build) {
    build = runBuild(options);
    build.catch(() => builds.delete(key));
    builds.set(key, build);
  }
  return build;
}

async function runBuild(options: EnsureHelmOptions): Promise<HelmBinary> {
  const env = { ...process.env };
  delete env.FLOTILLA_HELM_CACHE;
  if (options.cacheDir !== undefined) env.FLOTILLA_HELM_CACHE = options.cacheDir;
  const onProgress = options.onProgress ?? ((chunk: string) => process.stderr.write(chunk));
  const child = spawn('bash', [buildScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
    onProgress(chunk);
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const path = stdout.trim().split('\n').pop() ?? '';
  if (exitCode !== 0 || path === '') {
    throw new ControlPlaneError('BUILD_FAILED', `${buildScript} failed (exit ${exitCode ?? 'by signal'}); run it by hand to see the whole output`, {
      component: 'helm/build.sh',
      logTail: stderr.trimEnd().split('\n').slice(-30).join('\n'),
    });
  }
  return { path };
}
