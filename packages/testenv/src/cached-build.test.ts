import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// cached-build.sh, the runner k8s/build.sh and helm/build.sh share, driven by a build function that writes files.
const runnerScript = fileURLToPath(new URL('../cached-build.sh', import.meta.url));

describe('cached_build (cached-build.sh)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cached-build-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs cached_build for the entry <dir>/cache/v1 holding `tool`; `body` is the build function's body. */
  function cachedBuild(body: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const program = `set -euo pipefail
. "${runnerScript}"
build_tool() {
  echo run >> "${dir}/runs"
  ${body}
}
cached_build "tool" "${dir}/cache/v1" build_tool tool`;
    return new Promise((resolve) => {
      execFile('bash', ['-c', program], (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr });
      });
    });
  }
  const runs = () => (existsSync(join(dir, 'runs')) ? readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length : 0);
  const cacheEntries = () => readdirSync(join(dir, 'cache')).sort();
  const writeTool = 'sleep 0.3; printf "#!/bin/sh\\n" > "$1/tool"; chmod +x "$1/tool"';

  it('builds once into the cache entry, even when two ask at once, and then finds it', async () => {
    const first = await Promise.all([cachedBuild(writeTool), cachedBuild(writeTool)]);
    const again = await cachedBuild(writeTool);

    for (const result of [...first, again]) expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(runs()).toBe(1);
    expect(existsSync(join(dir, 'cache', 'v1', 'tool'))).toBe(true);
    expect(cacheEntries()).toEqual(['.lock', 'v1']);
    expect(first.map((r) => r.stderr).join('')).toMatch(/built tool in \d+s/);
  });

  it('leaves no cache entry when the build fails, so the next call builds again', async () => {
    const failed = await cachedBuild('echo "compiler says no" >&2; false');

    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('compiler says no');
    expect(cacheEntries()).toEqual(['.lock']);

    expect((await cachedBuild(writeTool)).code).toBe(0);
    expect(runs()).toBe(2);
  });

  it('fails when the build leaves out an executable it names', async () => {
    const result = await cachedBuild('true');

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('building tool left no tool');
    expect(cacheEntries()).toEqual(['.lock']);
  });
});
