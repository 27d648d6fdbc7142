import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlPlaneError } from './control-plane-error.js';

/** Paths of the Kubernetes test binaries built by k8s/build.sh, and the version they report. */
export interface KubernetesBinaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubectl: string;
  version: string;
}

/** Where to build and how to report progress; the defaults match `pnpm testenv:prepare`. */
export interface EnsureKubernetesBinariesOptions {
  /** Cache root (build.sh's FLOTILLA_K8S_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/k8s`. */
  cacheDir?: string;
  /** Receives build.sh's progress output (minutes of it on a cold build); default: this process's stderr. */
  onProgress?: (chunk: string) => void;
}

// `../k8s/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
const buildScript = fileURLToPath(new URL('../k8s/build.sh', import.meta.url));
const STDERR_KEPT = 8_000;

const builds = new Map<string, Promise<KubernetesBinaries>>();

/** Builds (once per cache key) or finds etcd, kube-apiserver and kubectl; cached for the life of the process. */
export function ensureKubernetesBinaries(options: EnsureKubernetesBinariesOptions = {}): Promise<KubernetesBinaries> {
  const key = options.cacheDir ?? '';
  let build = builds.get(key);
  if (!build) {
    build = runBuildScript(options);
    // A failed build is not cached, so a later call (after fixing Go, say) tries again.
    build.catch(() => builds.delete(key));
    builds.set(key, build);
  }
  return build;
}

async function runBuildScript(options: EnsureKubernetesBinariesOptions): Promise<KubernetesBinaries> {
  const env = { ...process.env };
  // Library code takes options, not env: an ambient FLOTILLA_K8S_CACHE must not redirect the build silently.
  delete env.FLOTILLA_K8S_CACHE;
  if (options.cacheDir !== undefined) env.FLOTILLA_K8S_CACHE = options.cacheDir;
  const onProgress = options.onProgress ?? ((chunk: string) => process.stderr.write(chunk));

  const child = spawn('bash', [buildScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
    onProgress(chunk);
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((cause: unknown) => {
    throw new ControlPlaneError('BUILD_FAILED', `could not run ${buildScript}: is bash installed?`, { component: 'build.sh' }, { cause });
  });
  const dir = stdout.trim().split('\n').pop() ?? '';
  if (exitCode !== 0 || dir === '') {
    throw new ControlPlaneError(
      'BUILD_FAILED',
      `${buildScript} failed (exit ${exitCode ?? 'by signal'}); run it by hand to see the whole output`,
      { component: 'build.sh', logTail: lastLines(stderr, 30) },
    );
  }
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubectl: join(dir, 'kubectl'),
    version: await readVersion(dir),
  };
}

// build.sh writes VERSION next to the binaries; the directory name (<version>-<key>) is the fallback.
async function readVersion(dir: string): Promise<string> {
  const written = await readFile(join(dir, 'VERSION'), 'utf8').catch(() => '');
  return written.trim() || basename(dir).replace(/-[0-9a-f]+$/, '');
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
