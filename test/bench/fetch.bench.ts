import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderManifests, isBuiltinNamespaced } from '@flotilla/core';
import { RepositoryCache } from '@flotilla/git';
import { startGitServer } from '@flotilla/testenv';
import type { BenchReport } from './bench-report.js';
import { mixedManifests } from './manifests.js';

const run = promisify(execFile);

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [Math.round(performance.now() - started), result];
}

/** The agent's fetch (shallow, one commit, cached) and render against the git binary cloning the same repository. */
export async function fetchBench(full: boolean): Promise<BenchReport> {
  const count = full ? 2000 : 500;
  const git = await startGitServer();
  const work = mkdtempSync(join(tmpdir(), 'flotilla-bench-fetch-'));
  try {
    const files = mixedManifests(count, 10, 'app');
    const repo = await git.createRepository('big', files);
    const url = repo.url;

    // Baseline: git clone --depth 1, then git fetch --depth 1 of the next commit.
    const [gitClone] = await timed(() => run('git', ['clone', '-q', '--depth', '1', url, join(work, 'clone')]));

    const cache = new RepositoryCache({ dir: join(work, 'cache') });
    const [first] = await timed(() => cache.fetchCommit({ url, commit: repo.commit, ref: 'main' }));
    const [read, tree] = await timed(() => cache.readTree({ url, commit: repo.commit, path: '' }));
    const [render, rendered] = await timed(async () =>
      renderManifests(tree, { appPath: '', defaultNamespace: 'default', isNamespaced: isBuiltinNamespaced }),
    );

    const checkout = await git.checkout('big');
    await checkout.write('ns-0/obj-0.yaml', (files['ns-0/obj-0.yaml'] as string).replace('version: "1"', 'version: "2"'));
    const next = await checkout.commit('one change');
    await checkout.push();
    const [gitFetch] = await timed(() => run('git', ['-C', join(work, 'clone'), 'fetch', '-q', '--depth', '1', 'origin', 'main']));
    const [incremental] = await timed(() => cache.fetchCommit({ url, commit: next, ref: 'main' }));
    const [cached] = await timed(() => cache.fetchCommit({ url, commit: next, ref: 'main' }));

    return {
      bench: 'fetch and render',
      size: `${count} manifest files`,
      measurements: [
        { name: 'first fetch (depth 1)', value: first, unit: 'ms', baseline: gitClone, baselineName: 'git clone --depth 1' },
        { name: 'incremental fetch (1 file changed)', value: incremental, unit: 'ms', baseline: gitFetch, baselineName: 'git fetch --depth 1' },
        { name: 'fetch of a cached commit', value: cached, unit: 'ms' },
        { name: `read tree (${tree.length} files)`, value: read, unit: 'ms' },
        { name: `render (${rendered.objects.length} objects)`, value: render, unit: 'ms' },
      ],
    };
  } finally {
    await git.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
