import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { encodeArtifact, isBuiltinNamespaced, renderManifests } from '@flotilla/core';
import { ensureKubernetesBinaries, startControlPlane } from '@flotilla/testenv';
import type { BenchReport } from './bench-report.js';
import { imageNodeFlags } from './image-node-flags.js';
import { mixedManifests } from './manifests.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** The artifact the hub would render from these files, written to `file`: what the agent fetches. */
function writeArtifact(file: string, files: Record<string, string>): { file: string; digest: string; size: number } {
  const { objects } = renderManifests(
    Object.entries(files).map(([path, content]) => ({ path, content })),
    { appPath: '', defaultNamespace: '', isNamespaced: isBuiltinNamespaced },
  );
  const { bytes, digest } = encodeArtifact({ objects: objects.map((o) => ({ object: o.object, source: { file: o.file, line: o.line } })) });
  writeFileSync(file, bytes);
  return { file, digest, size: bytes.length };
}

async function kubectlApply(kubectl: string, kubeconfig: string, dir: string, ...flags: string[]): Promise<number> {
  const started = performance.now();
  await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager', 'kubectl-bench', ...flags, '-R', '-f', dir], { maxBuffer: 64 << 20 });
  return Math.round(performance.now() - started);
}

/**
 * Agent apply against `kubectl apply --server-side` of the same objects (in other namespaces of the same API server):
 * first apply, a no-op reconcile, and a one-object change.
 */
export async function applyBench(full: boolean): Promise<BenchReport> {
  const count = full ? 1000 : 200;
  const namespaces = 10;
  const { kubectl } = await ensureKubernetesBinaries();
  const plane = await startControlPlane();
  const work = mkdtempSync(join(tmpdir(), 'flotilla-bench-apply-'));
  try {
    const kubectlFiles = mixedManifests(count, namespaces, 'kubectl');
    const changed = (files: Record<string, string>) => {
      const key = Object.keys(files).find((k) => k.endsWith('obj-0.yaml')) as string;
      return { ...files, [key]: (files[key] as string).replace('version: "1"', 'version: "2"') };
    };
    // kubectl: first apply, no-op re-apply, one object changed.
    const kdir = join(work, 'kubectl');
    writeFiles(kdir, kubectlFiles);
    const kFirst = await kubectlApply(kubectl, plane.kubeconfigPath, kdir);
    const kNoop = await kubectlApply(kubectl, plane.kubeconfigPath, kdir);
    writeFiles(kdir, changed(kubectlFiles));
    const kChange = await kubectlApply(kubectl, plane.kubeconfigPath, kdir);
    // Like for like: kubectl with the same guarantee, nothing applied unless every object passes a server dry-run. As
    // objects cannot be dry-run in a namespace that does not exist, the Namespaces are applied first.
    const checkedFiles = mixedManifests(count, namespaces, 'checked');
    const cdir = join(work, 'kubectl-checked');
    const nsdir = join(work, 'kubectl-checked-namespaces');
    writeFiles(cdir, checkedFiles);
    writeFiles(nsdir, Object.fromEntries(Object.entries(checkedFiles).filter(([path]) => path.endsWith('namespace.yaml'))));
    let kChecked = await kubectlApply(kubectl, plane.kubeconfigPath, nsdir);
    kChecked += await kubectlApply(kubectl, plane.kubeconfigPath, cdir, '--dry-run=server');
    kChecked += await kubectlApply(kubectl, plane.kubeconfigPath, cdir);

    const flotillaFiles = mixedManifests(count, namespaces, 'flotilla');
    const nodeFlags = imageNodeFlags('agent');
    const input = join(work, 'input.json');
    writeFileSync(
      input,
      JSON.stringify({
        kubeconfig: plane.kubeconfigPath,
        concurrency: 16,
        steps: [
          { name: 'first', artifact: writeArtifact(join(work, 'first.artifact'), flotillaFiles) },
          { name: 'noop', artifact: writeArtifact(join(work, 'first.artifact'), flotillaFiles) },
          { name: 'change', artifact: writeArtifact(join(work, 'change.artifact'), changed(flotillaFiles)) },
        ],
      }),
    );
    const { stdout } = await run(process.execPath, [...nodeFlags, join(here, 'apply-worker.mjs'), input], { maxBuffer: 16 << 20 });
    const output = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { results: Array<{ name: string; ms: number; summary: Record<string, number>; firstFailure?: string }>; peakRssMiB: number; startRssMiB: number; peakHeapMiB: number };
    const ms = (name: string) => output.results.find((r) => r.name === name)?.ms as number;
    const baselineName = 'kubectl apply --server-side';
    return {
      bench: 'agent apply',
      size: `${count} objects, ${namespaces} namespaces`,
      measurements: [
        { name: 'first apply', value: ms('first'), unit: 'ms', baseline: kFirst, baselineName, target: '≤ 0.5× kubectl', met: ms('first') <= 0.5 * kFirst },
        {
          name: 'first apply, like for like',
          value: ms('first'),
          unit: 'ms',
          baseline: kChecked,
          baselineName: 'kubectl apply --server-side --dry-run=server, then kubectl apply --server-side',
        },
        { name: 'no-op reconcile', value: ms('noop'), unit: 'ms', baseline: kNoop, baselineName, target: '< 1000 ms', met: ms('noop') < 1000 },
        { name: 'one-object change', value: ms('change'), unit: 'ms', baseline: kChange, baselineName },
        { name: 'agent apply peak RSS', value: output.peakRssMiB, unit: 'MiB', target: '< 100 MiB', met: output.peakRssMiB < 100 },
      ],
      notes: [
        `applying process: node ${nodeFlags.join(' ')} (the agent image's flags), ${output.startRssMiB} MiB RSS once its modules are loaded, peak JS heap in use ${output.peakHeapMiB} MiB`,
        `change sets: ${output.results.map((r) => `${r.name} ${JSON.stringify(r.summary)}`).join('; ')}`,
        ...output.results.filter((r) => r.firstFailure).map((r) => `${r.name}: first failure: ${r.firstFailure}`),
      ],
    };
  } finally {
    await plane.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
