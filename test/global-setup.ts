import { ensureGrpcurl, ensureHelm, ensureKubernetesBinaries, ensureKustomize, ensureKwok } from '@flotilla/testenv';

/**
 * Builds (or finds in the cache) the Kubernetes binaries, KWOK, helm, kustomize and grpcurl once, before any integration test
 * file starts, so a cold build is not charged to one file's hook timeout and parallel workers do not race for it.
 */
export default async function setup(): Promise<void> {
  // Kubernetes and KWOK side by side (their links overlap), then helm, kustomize and grpcurl.
  const [binaries, kwok] = await Promise.all([ensureKubernetesBinaries(), ensureKwok()]);
  const helm = await ensureHelm();
  const kustomize = await ensureKustomize();
  const grpcurl = await ensureGrpcurl();
  process.env.FLOTILLA_KWOK = kwok.path;
  process.env.FLOTILLA_K8S_BINARIES_DIR = binaries.dir;
  process.env.FLOTILLA_HELM = helm.path;
  process.env.FLOTILLA_KUSTOMIZE = kustomize.path;
  process.env.FLOTILLA_GRPCURL = grpcurl.path;
}
