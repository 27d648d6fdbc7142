import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeArtifact } from '@flotilla/core';
import { RepositoryCache } from '@flotilla/git';
import { buildApp, substituteArtifact } from '@flotilla/render';
import { ensureKustomize, startGitServer } from '@flotilla/testenv';
import type { BenchReport } from './bench-report.js';
import { mixedManifests } from './manifests.js';

const run = promisify(execFile);

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [Math.round(performance.now() - started), result];
}

/**
 * A kustomize repository of `count` files as fleets lay them out: a base of one kustomization per namespace, and a
 * prod overlay that labels everything, sets the image tag and patches every Deployment through one patch.
 */
function kustomizeRepository(count: number): Record<string, string> {
  const namespaces = 10;
  const manifests = mixedManifests(count - namespaces - 3, namespaces, 'app');
  const files: Record<string, string> = {};
  const byNamespace = new Map<string, string[]>();
  for (const [path, content] of Object.entries(manifests)) {
    const [dir = '', name = ''] = path.split('/');
    files[`base/${path}`] = content;
    byNamespace.set(dir, [...(byNamespace.get(dir) ?? []), name]);
  }
  for (const [dir, names] of byNamespace) files[`base/${dir}/kustomization.yaml`] = `resources:\n${names.map((n) => `  - ${n}\n`).join('')}`;
  files['base/kustomization.yaml'] = `resources:\n${[...byNamespace.keys()].map((d) => `  - ${d}\n`).join('')}`;
  files['overlays/prod/kustomization.yaml'] = [
    'resources: [../../base]',
    'labels: [{ pairs: { env: prod, cluster: "${cluster.name}" } }]',
    'images: [{ name: registry.example/app, newTag: "2" }]',
    'patches:',
    '  - target: { kind: Deployment }',
    '    patch: |-',
    '      - { op: replace, path: /spec/replicas, value: 3 }',
    '',
  ].join('\n');
  files['overlays/prod/README.md'] = '# prod\n';
  return files;
}

/** The hub's fetch + checkout + kustomize build of a 2,000-file repository, against git clone + kustomize build. */
export async function renderBench(full: boolean): Promise<BenchReport> {
  const count = full ? 2000 : 500;
  const kustomize = (await ensureKustomize()).path;
  const tools = { kustomizePath: kustomize, timeoutMs: 120_000, maxOutputBytes: 256 * 1024 * 1024 };
  const git = await startGitServer();
  const work = mkdtempSync(join(tmpdir(), 'flotilla-bench-render-'));
  try {
    const files = kustomizeRepository(count);
    const repo = await git.createRepository('fleet', files);
    const url = repo.url;

    // Baseline, in this process: the git binary clones, the kustomize binary builds.
    const [gitClone] = await timed(() => run('git', ['clone', '-q', '--depth', '1', url, join(work, 'clone')]));
    const [kustomizeBuild, built] = await timed(() => run(kustomize, ['build', join(work, 'clone', 'overlays/prod')], { maxBuffer: 256 * 1024 * 1024 }));

    // The hub: isomorphic-git fetch into its cache, the commit's tree written out, buildApp, one cluster's artifact.
    const cache = new RepositoryCache({ dir: join(work, 'cache') });
    const [fetch] = await timed(() => cache.fetchCommit({ url, commit: repo.commit, ref: 'main' }));
    const checkoutDir = join(work, 'checkout');
    const [checkout, written] = await timed(() => cache.checkout({ url, commit: repo.commit, dir: checkoutDir }));
    const [build, app] = await timed(() => buildApp({ checkoutDir, appPath: 'overlays/prod', allowRemoteBases: false }, tools));
    const [artifactMs, encoded] = await timed(async () => encodeArtifact(substituteArtifact(app, { 'cluster.name': 'eu-1' })));
    const [nextCluster] = await timed(async () => encodeArtifact(substituteArtifact(app, { 'cluster.name': 'eu-2' })));
    const [buildWithoutOrigins] = await timed(() => buildApp({ checkoutDir, appPath: 'overlays/prod', allowRemoteBases: false }, { ...tools, kustomizeOrigins: false }));
    const objects = built.stdout.split(/^---$/m).length;
    if (app.objects.length !== objects) throw new Error(`buildApp gave ${app.objects.length} objects, kustomize build ${objects}`);

    const hub = fetch + checkout + build + artifactMs;
    const baseline = gitClone + kustomizeBuild;
    return {
      bench: 'hub fetch and render',
      size: `${Object.keys(files).length} files, ${objects} objects (kustomize overlay)`,
      measurements: [
        { name: 'fetch + checkout + build + artifact', value: hub, unit: 'ms', baseline, baselineName: 'git clone --depth 1 + kustomize build' },
        { name: 'fetch (depth 1)', value: fetch, unit: 'ms', baseline: gitClone, baselineName: 'git clone --depth 1' },
        { name: `checkout (${written.files} files)`, value: checkout, unit: 'ms' },
        { name: 'buildApp (kustomize build with origins + read)', value: build, unit: 'ms', baseline: kustomizeBuild, baselineName: 'kustomize build' },
        { name: 'buildApp without origins (kustomizeOrigins: false)', value: buildWithoutOrigins, unit: 'ms', baseline: kustomizeBuild, baselineName: 'kustomize build' },
        { name: `artifact of one cluster (${(encoded.bytes.byteLength / 1024 / 1024).toFixed(1)} MiB)`, value: artifactMs, unit: 'ms' },
        { name: 'artifact of each further cluster', value: nextCluster, unit: 'ms' },
      ],
    };
  } finally {
    await git.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
