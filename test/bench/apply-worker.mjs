// Runs the agent's apply path in its own process, on the built packages and with no TypeScript loader, so the memory
// it reports is the agent's own: the artifact (read from a file, standing in for FetchArtifact's download) is kept in
// the state namespace (gzip, split Secrets) or loaded from there, decoded with its digest checked, its namespaces
// settled by discovery, then dry-run and applied server-side: agent/dist's own loadArtifact and placeObjects.
// Input: argv[2] = JSON file { kubeconfig, concurrency, steps: [{ name, artifact: { file, digest, size } }] }. Output: one JSON line.
import { readFileSync } from 'node:fs';
import { isBuiltinNamespaced } from '@flotilla/core';
import { KubeClient, loadKubeconfigFile, ResourceManager } from '@flotilla/kube';
import { loadArtifact } from '../../agent/dist/reconciler/load-artifact.js';
import { placeObjects } from '../../agent/dist/reconciler/place-objects.js';
import { ArtifactStore } from '../../agent/dist/state/artifact-store.js';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const kubeConfig = loadKubeconfigFile(input.kubeconfig);
const client = new KubeClient({ kubeConfig });
const manager = new ResourceManager({ client, concurrency: input.concurrency });
await client.request({ method: 'PATCH', path: '/api/v1/namespaces/flotilla-system', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } }, contentType: 'application/apply-patch+yaml', query: { fieldManager: 'bench', force: 'true' } });
const files = new Map(input.steps.map((step) => [step.artifact.digest, step.artifact.file]));
const sources = { store: new ArtifactStore(client, 'flotilla-system'), fetch: async (ref) => readFileSync(files.get(ref.digest)) };
const silent = { info() {}, warn() {} };
const startRss = process.memoryUsage().rss;
let peakRss = startRss;
let peakHeap = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 20);
const results = [];
for (const step of input.steps) {
  const started = performance.now();
  const assignment = { app: 'bench', generation: 1, artifact: { digest: step.artifact.digest, size: step.artifact.size } };
  const artifact = await loadArtifact(sources, assignment, new AbortController().signal, silent);
  await manager.discovery.refreshIfOlderThan(60_000);
  const objects = placeObjects(artifact, { defaultNamespace: 'default', isNamespaced: (r) => manager.discovery.find(r)?.namespaced ?? isBuiltinNamespaced(r) });
  const { entries } = await manager.apply(objects.map((o) => o.object));
  const summary = {};
  for (const entry of entries) summary[entry.action] = (summary[entry.action] ?? 0) + 1;
  const failure = entries.find((entry) => entry.action === 'failed');
  results.push({ name: step.name, ms: Math.round(performance.now() - started), summary, ...(failure ? { firstFailure: failure.error?.message } : {}) });
}
clearInterval(sampler);
manager.close();
client.close();
const mib = (bytes) => Math.round(bytes / 1024 / 1024);
console.log(JSON.stringify({ results, peakRssMiB: mib(peakRss), startRssMiB: mib(startRss), peakHeapMiB: mib(peakHeap) }));
