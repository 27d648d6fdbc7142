import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildRunner, type BuildOptions } from './build-runner.js';

/** Paths of the Kubernetes test binaries built by k8s/build.sh, and the version they report. */
export interface KubernetesBinaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  version: string;
}

/** Where to build and how to report progress; the defaults match `pnpm testenv:prepare`. */
export interface EnsureKubernetesBinariesOptions extends BuildOptions {
  /** Cache root (build.sh's FLOTILLA_K8S_CACHE); default `${XDG_CACHE_HOME:-~/.cache}/flotilla/k8s`. */
  cacheDir?: string;
}

const kubernetesBuild = new BuildRunner<KubernetesBinaries>({
  // `../k8s/build.sh` is right both from src/ (vitest runs the sources) and from dist/ (after tsc).
  path: fileURLToPath(new URL('../k8s/build.sh', import.meta.url)),
  cacheVariable: 'FLOTILLA_K8S_CACHE',
  component: 'build.sh',
  // build.sh prints the directory holding the binaries.
  resultOf: async (dir) => ({
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    kubectl: join(dir, 'kubectl'),
    version: await readVersion(dir),
  }),
});

/** Builds (once per cache key) or finds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl; cached for the life of the process. */
export function ensureKubernetesBinaries(options: EnsureKubernetesBinariesOptions = {}): Promise<KubernetesBinaries> {
  return kubernetesBuild.ensure(options);
}

// build.sh writes VERSION next to the binaries; the directory name (<version>-<key>) is the fallback.
async function readVersion(dir: string): Promise<string> {
  const written = await readFile(join(dir, 'VERSION'), 'utf8').catch(() => '');
  return written.trim() || basename(dir).replace(/-[0-9a-f]+$/, '');
}
