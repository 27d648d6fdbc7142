import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildRunner } from './build-runner.js';
import { ControlPlaneError } from './control-plane-error.js';

// A build script of the same contract as k8s/build.sh: progress on stderr, the cache entry on stdout.
const script = (dir: string) => `#!/usr/bin/env bash
set -euo pipefail
echo run >> "${dir}/runs"
echo "building into \${FAKE_CACHE:-default}" >&2
if [ -e "${dir}/fail" ]; then echo "compiler says no" >&2; exit 3; fi
echo "\${FAKE_CACHE:-${dir}/default}/entry"
`;

describe('BuildRunner', () => {
  let dir: string;
  let runner: BuildRunner<{ path: string }>;
  const runs = () => (existsSync(join(dir, 'runs')) ? readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length : 0);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-build-runner-'));
    writeFileSync(join(dir, 'build.sh'), script(dir));
    chmodSync(join(dir, 'build.sh'), 0o755);
    runner = new BuildRunner({ path: join(dir, 'build.sh'), cacheVariable: 'FAKE_CACHE', component: 'build.sh', resultOf: (path) => ({ path }) });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the script once for every caller of the same cache and hands each its result', async () => {
    const progress: string[] = [];
    const cacheDir = join(dir, 'cache');

    const results = await Promise.all([
      runner.ensure({ cacheDir, onProgress: (chunk) => progress.push(chunk) }),
      runner.ensure({ cacheDir, onProgress: () => {} }),
    ]);
    const later = await runner.ensure({ cacheDir });

    expect(results).toEqual([{ path: `${cacheDir}/entry` }, { path: `${cacheDir}/entry` }]);
    expect(later).toBe(results[0]);
    expect(runs()).toBe(1);
    expect(progress.join('')).toContain(`building into ${cacheDir}`);
  });

  it('builds into the script default, not an ambient cache variable, when given no cache dir', async () => {
    process.env.FAKE_CACHE = join(dir, 'ambient');
    try {
      const result = await runner.ensure({ onProgress: () => {} });
      expect(result.path).toBe(`${dir}/default/entry`);
    } finally {
      delete process.env.FAKE_CACHE;
    }
  });

  it('fails with BUILD_FAILED and the end of the output, and tries again on the next call', async () => {
    writeFileSync(join(dir, 'fail'), '');

    const error = await runner.ensure({ onProgress: () => {} }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ControlPlaneError);
    expect(error).toMatchObject({ code: 'BUILD_FAILED', data: { component: 'build.sh', logTail: expect.stringContaining('compiler says no') } });
    expect((error as Error).message).toContain('failed (exit 3)');

    rmSync(join(dir, 'fail'));
    await expect(runner.ensure({ onProgress: () => {} })).resolves.toEqual({ path: `${dir}/default/entry` });
    expect(runs()).toBe(2);
  });
});
