import { ensureKubernetesBinaries } from '@flotilla/testenv';

/**
 * Builds (or finds in the cache) the Kubernetes binaries once, before any integration test file starts, so a cold
 * build is not charged to one file's hook timeout and parallel workers do not race for it.
 */
export default async function setup(): Promise<void> {
  const binaries = await ensureKubernetesBinaries();
  process.env.FLOTILLA_K8S_BINARIES_DIR = binaries.dir;
}
