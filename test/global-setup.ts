import { ensureHelm, ensureKubernetesBinaries, ensureKustomize } from '@flotilla/testenv';

/**
 * Builds (or finds in the cache) the Kubernetes binaries, helm and kustomize once, before any integration test file
 * starts, so a cold build is not charged to one file's hook timeout and parallel workers do not race for it.
 */
export default async function setup(): Promise<void> {
  // One after the other: two cold Go builds at once can exhaust a small machine's memory.
  const binaries = await ensureKubernetesBinaries();
  const helm = await ensureHelm();
  const kustomize = await ensureKustomize();
  process.env.FLOTILLA_K8S_BINARIES_DIR = binaries.dir;
  process.env.FLOTILLA_HELM = helm.path;
  process.env.FLOTILLA_KUSTOMIZE = kustomize.path;
}
