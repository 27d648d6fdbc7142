// Runs the agent's apply path (render + dry-run + server-side apply) in its own process, on the built packages and
// with no TypeScript loader, so the memory it reports is the agent's own.
// Input: argv[2] = JSON file { kubeconfig, concurrency, steps: [{ name, files: { path: content } }] }. Output: one JSON line.
import { readFileSync } from 'node:fs';
import { isBuiltinNamespaced, renderManifests } from '@flotilla/core';
import { loadKubeconfigFile, ResourceManager } from '@flotilla/kube';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const kubeConfig = loadKubeconfigFile(input.kubeconfig);
const manager = new ResourceManager({ kubeConfig, concurrency: input.concurrency });
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
  await manager.discovery.refreshIfOlderThan(60_000);
  const { objects } = renderManifests(
    Object.entries(step.files).map(([path, content]) => ({ path, content })),
    { appPath: '', defaultNamespace: 'default', isNamespaced: (r) => manager.discovery.find(r)?.namespaced ?? isBuiltinNamespaced(r) },
  );
  const { entries } = await manager.apply(objects.map((o) => o.object));
  const summary = {};
  for (const entry of entries) summary[entry.action] = (summary[entry.action] ?? 0) + 1;
  const failure = entries.find((entry) => entry.action === 'failed');
  results.push({ name: step.name, ms: Math.round(performance.now() - started), summary, ...(failure ? { firstFailure: failure.error?.message } : {}) });
}
clearInterval(sampler);
manager.close();
const mib = (bytes) => Math.round(bytes / 1024 / 1024);
console.log(JSON.stringify({ results, peakRssMiB: mib(peakRss), startRssMiB: mib(startRss), peakHeapMiB: mib(peakHeap) }));
