import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepositoryCache } from './repository-cache.js';
import { gitRejection } from './testing/git-rejection.js';

const run = promisify(execFile);

let server: GitServer;
let scratch: string;
let dirs = 0;
const newDir = (name: string): string => join(scratch, `${name}-${++dirs}`);

beforeAll(async () => {
  server = await startGitServer();
  scratch = await mkdtemp(join(tmpdir(), 'flotilla-git-checkout-test-'));
});
afterAll(async () => {
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** A repository on the Git server whose last commit adds symlinks (and anything else `prepare` does in the work tree). */
async function repositoryWith(name: string, files: Record<string, string>, prepare: (dir: string) => Promise<void>): Promise<{ url: string; commit: string }> {
  await server.createRepository(name, files);
  const checkout = await server.checkout(name);
  await prepare(checkout.dir);
  const commit = await checkout.commit('links');
  await checkout.push();
  return { url: server.repoUrl(name), commit };
}

describe('RepositoryCache.checkout', () => {
  it('writes a commit\'s whole tree: bytes, executables, links inside the repository; submodules skipped', async () => {
    const binary = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const { url, commit } = await repositoryWith(
      'whole',
      { 'apps/web/base/kustomization.yaml': 'resources: [deploy.yaml]\n', 'apps/web/base/deploy.yaml': 'kind: Deployment\n', 'README.md': '# fleet\n' },
      async (dir) => {
        await writeFile(join(dir, 'logo.bin'), binary);
        await writeFile(join(dir, 'scripts.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
        await symlink('../web/base', join(dir, 'apps/web/base-link'));
        await symlink('apps/web/base/deploy.yaml', join(dir, 'deploy.yaml'));
        // A submodule entry (gitlink) pointing at a commit of another repository.
        await run('git', ['-C', dir, 'update-index', '--add', '--cacheinfo', `160000,${'a'.repeat(40)},vendor/lib`]);
      },
    );
    const cache = new RepositoryCache({ dir: newDir('cache') });
    await cache.fetchCommit({ url, commit });
    const out = newDir('checkout');

    expect(await cache.checkout({ url, commit, dir: out })).toEqual({ files: 5, symlinks: 2, bytes: expect.any(Number) as number });
    expect((await readdir(out)).sort()).toEqual(['README.md', 'apps', 'deploy.yaml', 'logo.bin', 'scripts.sh']);
    expect(await readFile(join(out, 'logo.bin'))).toEqual(binary);
    expect((await stat(join(out, 'scripts.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(out, 'README.md'))).mode & 0o111).toBe(0);
    expect(await readlink(join(out, 'apps/web/base-link'))).toBe('../web/base');
    expect(await readFile(join(out, 'apps/web/base-link/deploy.yaml'), 'utf8')).toBe('kind: Deployment\n');
    expect((await lstat(join(out, 'deploy.yaml'))).isSymbolicLink()).toBe(true);
  });

  it('refuses a symlink that points out of the repository, with the link\'s path', async () => {
    for (const [name, target] of [['absolute', '/etc'], ['climbing', '../../..']] as const) {
      const { url, commit } = await repositoryWith(`out-${name}`, { 'apps/a.yaml': 'kind: ConfigMap\n' }, (dir) => symlink(target, join(dir, 'apps', 'escape')));
      const cache = new RepositoryCache({ dir: newDir('cache') });
      await cache.fetchCommit({ url, commit });
      const error = await gitRejection(cache.checkout({ url, commit, dir: newDir('checkout') }));
      expect(error.code).toBe('PATH_OUTSIDE_REPOSITORY');
      expect(error.message).toContain(`symlink "apps/escape" in commit ${commit}`);
      expect(error.message).toContain(`points outside the repository (to "${target}")`);
      expect(error.data.path).toBe('apps/escape');
    }
  });

  it('refuses links that leave the repository only together (a -> b/c/../.. with b -> .)', async () => {
    const { url, commit } = await repositoryWith('chain', { 'c/file.yaml': 'kind: ConfigMap\n' }, async (dir) => {
      await symlink('.', join(dir, 'b'));
      await symlink('b/c/../..', join(dir, 'a'));
    });
    const cache = new RepositoryCache({ dir: newDir('cache') });
    await cache.fetchCommit({ url, commit });
    const error = await gitRejection(cache.checkout({ url, commit, dir: newDir('checkout') }));
    expect(error.code).toBe('PATH_OUTSIDE_REPOSITORY');
    expect(error.message).toContain('symlink "a"');
    expect(error.message).toContain('leads outside the repository through other links');
  });

  it('needs the commit fetched first, an empty directory, and stays within the limits', async () => {
    const { url, commit } = await server.createRepository('plain', { 'a.yaml': 'a'.repeat(100), 'b.yaml': 'b'.repeat(100) });
    const cache = new RepositoryCache({ dir: newDir('cache') });
    expect((await gitRejection(cache.checkout({ url, commit, dir: newDir('checkout') }))).code).toBe('COMMIT_NOT_FOUND');
    await cache.fetchCommit({ url, commit });
    const used = newDir('checkout');
    await cache.checkout({ url, commit, dir: used });
    expect((await gitRejection(cache.checkout({ url, commit, dir: used }))).message).toContain('is not empty');
    expect((await gitRejection(cache.checkout({ url, commit, dir: newDir('checkout'), maxFiles: 1 }))).message).toMatch(/more than 1 files.*maxFiles/);
    expect((await gitRejection(cache.checkout({ url, commit, dir: newDir('checkout'), maxTotalBytes: 150 }))).message).toMatch(/exceed 150 bytes.*maxTotalBytes/);
  });
});
