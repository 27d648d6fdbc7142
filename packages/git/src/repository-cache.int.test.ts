import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { type HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packIndexObjectIds } from './pack-index.js';
import { RepositoryCache } from './repository-cache.js';
import { gitRejection } from './testing/git-rejection.js';

/** An HTTP client that counts requests and response bytes, as the network sees them. */
function countingHttp(): { http: HttpClient; stats: { requests: number; bytes: number } } {
  const stats = { requests: 0, bytes: 0 };
  async function* count(body: AsyncIterableIterator<Uint8Array>): AsyncIterableIterator<Uint8Array> {
    for await (const chunk of body) {
      stats.bytes += chunk.byteLength;
      yield chunk;
    }
  }
  return {
    stats,
    http: {
      async request(request) {
        stats.requests++;
        const response = await nodeHttp.request(request);
        return response.body === undefined ? response : { ...response, body: count(response.body) };
      },
    },
  };
}

/** Incompressible YAML, so transfer sizes show what was sent. */
function yamlFile(name: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  blob: ${randomBytes(600).toString('base64')}\n`;
}

let scratch: string;
let caches = 0;
const newCacheDir = (): string => join(scratch, `cache-${++caches}`);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'flotilla-git-cache-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('RepositoryCache', () => {
  let server: GitServer;

  beforeAll(async () => {
    // The backend fails loudly when it refuses a commit; that refusal is what one test is about.
    server = await startGitServer({ onError: (error) => /not our ref/.test(error.message) || console.error(error.message) });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('fetches a commit and reads the files under a path in byte order, with paths from the root', async () => {
    const { url, commit } = await server.createRepository('ordered', {
      'apps/web/b.yaml': 'b\n',
      'apps/web/a.yaml': 'a\n',
      'apps/web/a-b.yaml': 'a-b\n',
      'apps/web/a/c.yaml': 'a/c\n',
      'apps/web/B.yaml': 'B\n',
      'apps/web/é.yaml': 'e-acute\n',
      'apps/api/x.yaml': 'x\n',
      'README.md': '# repo\n',
    });
    const cache = new RepositoryCache({ dir: newCacheDir() });

    expect(await cache.fetchCommit({ url, commit, ref: 'main' })).toEqual({ commit, isCached: false });
    const files = await cache.readTree({ url, commit, path: 'apps/web' });

    expect(files).toEqual([
      { path: 'apps/web/B.yaml', content: 'B\n' },
      { path: 'apps/web/a-b.yaml', content: 'a-b\n' },
      { path: 'apps/web/a.yaml', content: 'a\n' },
      { path: 'apps/web/a/c.yaml', content: 'a/c\n' },
      { path: 'apps/web/b.yaml', content: 'b\n' },
      { path: 'apps/web/é.yaml', content: 'e-acute\n' },
    ]);
    expect(await cache.readTree({ url, commit, path: './apps//web/' })).toEqual(files);
    expect((await cache.readTree({ url, commit, path: '' })).map((file) => file.path)).toEqual([
      'README.md',
      'apps/api/x.yaml',
      ...files.map((file) => file.path),
    ]);
    expect(await cache.readTree({ url, commit, path: '.' })).toHaveLength(8);
    expect(await cache.readTree({ url, commit, path: 'apps/api/x.yaml' })).toEqual([{ path: 'apps/api/x.yaml', content: 'x\n' }]);
  });

  it('answers a second fetch of the same commit from the cache without a request', async () => {
    const { url, commit } = await server.createRepository('cached', { 'a.yaml': 'a: 1\n' });
    const { http, stats } = countingHttp();
    const cache = new RepositoryCache({ dir: newCacheDir(), http });

    await cache.fetchCommit({ url, commit });
    const requestsAfterFirst = stats.requests;
    expect(requestsAfterFirst).toBe(2);
    expect(await cache.fetchCommit({ url, commit, ref: 'main' })).toEqual({ commit, isCached: true });
    // Another spelling of the URL is the same cache entry.
    expect(await cache.fetchCommit({ url: url.replace(/\.git$/, '/'), commit })).toEqual({ commit, isCached: true });
    expect(stats.requests).toBe(requestsAfterFirst);
    expect(await cache.hasCommit(url, commit)).toBe(true);
  });

  it('reads a revert whose content the cache already holds (a rollback by git revert)', async () => {
    // The revert's tree is the tree of an earlier commit. Unless the server is told every commit the cache holds,
    // it resends those objects as deltas against the reverted ones, and reading them then loops across packs.
    const { url, commit: first } = await server.createRepository('revert', {
      'README.md': '# fleet\n',
      'apps/hello/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n',
      'apps/hello/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: hello\ndata:\n  message: "hello"\n',
      'apps/hello/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n',
    });
    const cache = new RepositoryCache({ dir: newCacheDir() });
    const checkout = await server.checkout('revert');
    const commitChange = async (path: string, content: string): Promise<string> => {
      await checkout.write(path, content);
      const commit = await checkout.commit(`change ${path}`);
      await checkout.push();
      return commit;
    };
    await cache.fetchCommit({ url, commit: first, ref: 'main' });
    const good = await commitChange('apps/hello/configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: hello\ndata:\n  message: "bonjour"\n');
    await cache.fetchCommit({ url, commit: good, ref: 'main' });
    const bad = await commitChange('apps/hello/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 99999\n      targetPort: 8080\n');
    await cache.fetchCommit({ url, commit: bad, ref: 'main' });
    await checkout.git(['revert', '--no-edit', 'HEAD']);
    await checkout.push();
    const revert = await checkout.head();

    expect(await cache.fetchCommit({ url, commit: revert, ref: 'main' })).toEqual({ commit: revert, isCached: false });
    expect(await cache.readTree({ url, commit: revert, path: 'apps' })).toEqual(await cache.readTree({ url, commit: good, path: 'apps' }));
    expect((await cache.readTree({ url, commit: bad, path: 'apps' })).find((f) => f.path === 'apps/hello/service.yaml')?.content).toContain('port: 99999');
  });

  it('fetches a new commit of a cached repository incrementally and reads the new content', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`deploy/cm-${String(i).padStart(3, '0')}.yaml`] = yamlFile(`cm-${i}`);
    const { url, commit: first } = await server.createRepository('incremental', files);
    const { http, stats } = countingHttp();
    const cache = new RepositoryCache({ dir: newCacheDir(), http });
    await cache.fetchCommit({ url, commit: first, ref: 'main' });
    const firstBytes = stats.bytes;

    const checkout = await server.checkout('incremental');
    await checkout.write('deploy/cm-007.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: changed\n');
    await checkout.write('deploy/new.yaml', 'kind: Namespace\n');
    const second = await checkout.commit('Change one file, add one');
    await checkout.push();
    stats.bytes = 0;
    expect(await cache.fetchCommit({ url, commit: second, ref: 'main' })).toEqual({ commit: second, isCached: false });

    expect(firstBytes).toBeGreaterThan(150_000);
    expect(stats.bytes).toBeLessThan(firstBytes / 20);
    const secondFiles = await cache.readTree({ url, commit: second, path: 'deploy' });
    expect(secondFiles).toHaveLength(201);
    expect(secondFiles.find((file) => file.path === 'deploy/cm-007.yaml')?.content).toContain('name: changed');
    expect(secondFiles.find((file) => file.path === 'deploy/new.yaml')?.content).toBe('kind: Namespace\n');
    expect(secondFiles.find((file) => file.path === 'deploy/cm-008.yaml')?.content).toBe(files['deploy/cm-008.yaml']);
    // The first commit stays readable for Apps still on it.
    expect((await cache.readTree({ url, commit: first, path: 'deploy/cm-007.yaml' }))[0]?.content).toBe(files['deploy/cm-007.yaml']);
  });

  it('serialises concurrent fetches of one URL, and both succeed', async () => {
    const { url, commit: first } = await server.createRepository('concurrent', { 'app/a.yaml': 'a: 1\n' });
    const checkout = await server.checkout('concurrent');
    await checkout.write('app/a.yaml', 'a: 2\n');
    const second = await checkout.commit('Bump a');
    await checkout.push();
    const dir = newCacheDir();
    // Two caches over one directory share the per-URL lock, like two Apps of one agent.
    const one = new RepositoryCache({ dir });
    const two = new RepositoryCache({ dir });

    const results = await Promise.all([
      one.fetchCommit({ url, commit: first }),
      two.fetchCommit({ url, commit: second }),
      one.fetchCommit({ url, commit: second }),
      two.fetchCommit({ url, commit: first }),
    ]);

    expect(results.map((result) => result.commit)).toEqual([first, second, second, first]);
    expect(results.filter((result) => !result.isCached)).toHaveLength(2);
    expect(await one.readTree({ url, commit: first, path: 'app' })).toEqual([{ path: 'app/a.yaml', content: 'a: 1\n' }]);
    expect(await two.readTree({ url, commit: second, path: 'app' })).toEqual([{ path: 'app/a.yaml', content: 'a: 2\n' }]);
  });

  it('says COMMIT_NOT_FOUND for a commit the server does not have', async () => {
    const { url } = await server.createRepository('missing-commit', { 'a.yaml': 'a\n' });
    const cache = new RepositoryCache({ dir: newCacheDir() });
    const commit = 'deadbeef'.repeat(5);

    const error = await gitRejection(cache.fetchCommit({ url, commit, ref: 'main' }));

    expect(error.code).toBe('COMMIT_NOT_FOUND');
    expect(error.message).toContain(commit);
    expect(error.message).toContain(url);
    expect(error.data).toMatchObject({ url, commit, ref: 'main' });
  });

  it('says COMMIT_NOT_FOUND when reading a commit that was never fetched', async () => {
    const { url, commit } = await server.createRepository('unfetched', { 'a.yaml': 'a\n' });
    const error = await gitRejection(new RepositoryCache({ dir: newCacheDir() }).readTree({ url, commit, path: '' }));
    expect(error.code).toBe('COMMIT_NOT_FOUND');
    expect(error.message).toMatch(/fetchCommit/);
  });

  it('says NOT_FOUND for a path that does not exist, naming the path and the commit', async () => {
    const { url, commit } = await server.createRepository('paths', { 'deploy/a.yaml': 'a\n' });
    const cache = new RepositoryCache({ dir: newCacheDir() });
    await cache.fetchCommit({ url, commit });

    for (const path of ['nowhere', 'deploy/missing', 'deploy/a.yaml/below']) {
      const error = await gitRejection(cache.readTree({ url, commit, path }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain(`"${path}"`);
      expect(error.message).toContain(commit);
    }
  });

  it('says PATH_OUTSIDE_REPOSITORY for ".." and absolute paths', async () => {
    const { url, commit } = await server.createRepository('escape', { 'deploy/a.yaml': 'a\n' });
    const cache = new RepositoryCache({ dir: newCacheDir() });
    await cache.fetchCommit({ url, commit });

    for (const path of ['..', '../etc', 'deploy/../../x', 'deploy/..', '/etc/passwd', '/']) {
      expect((await gitRejection(cache.readTree({ url, commit, path }))).code).toBe('PATH_OUTSIDE_REPOSITORY');
    }
  });

  it('skips symlinks in a tree and refuses a path through one, never following them', async () => {
    await server.createRepository('links', { 'deploy/real.yaml': 'kind: ConfigMap\n', 'secret/key.yaml': 'password: hunter2\n' });
    const checkout = await server.checkout('links');
    await symlink('/etc', join(checkout.dir, 'deploy', 'etc'));
    await symlink('../secret/key.yaml', join(checkout.dir, 'deploy', 'key.yaml'));
    await symlink('../secret', join(checkout.dir, 'deploy', 'secrets'));
    const commit = await checkout.commit('Add symlinks');
    await checkout.push();
    const url = server.repoUrl('links');
    const cache = new RepositoryCache({ dir: newCacheDir() });
    await cache.fetchCommit({ url, commit });

    expect(await cache.readTree({ url, commit, path: 'deploy' })).toEqual([{ path: 'deploy/real.yaml', content: 'kind: ConfigMap\n' }]);
    for (const path of ['deploy/etc', 'deploy/etc/passwd', 'deploy/secrets', 'deploy/secrets/key.yaml', 'deploy/key.yaml']) {
      const error = await gitRejection(cache.readTree({ url, commit, path }));
      expect(error.code).toBe('PATH_OUTSIDE_REPOSITORY');
      expect(error.message).toMatch(/symlink/);
    }
  });

  it('enforces the file and byte limits with errors that name the limit', async () => {
    const { url, commit } = await server.createRepository('limits', { 'd/a.yaml': 'a'.repeat(100), 'd/b.yaml': 'b'.repeat(100), 'd/c.yaml': 'c'.repeat(100) });
    const cache = new RepositoryCache({ dir: newCacheDir(), maxFiles: 2 });
    await cache.fetchCommit({ url, commit });

    const tooMany = await gitRejection(cache.readTree({ url, commit, path: 'd' }));
    expect(tooMany.code).toBe('TOO_LARGE');
    expect(tooMany.message).toMatch(/more than 2 files.*maxFiles/);
    expect(tooMany.data.limit).toBe(2);

    const tooBig = await gitRejection(cache.readTree({ url, commit, path: 'd', maxFiles: 10, maxTotalBytes: 250 }));
    expect(tooBig.code).toBe('TOO_LARGE');
    expect(tooBig.message).toMatch(/exceed 250 bytes.*maxTotalBytes/);
    expect(await cache.readTree({ url, commit, path: 'd', maxFiles: 3, maxTotalBytes: 300 })).toHaveLength(3);
  });

  it('says UNREACHABLE for a server that is not there', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/app.git`;

    const error = await gitRejection(new RepositoryCache({ dir: newCacheDir() }).fetchCommit({ url, commit: 'a'.repeat(40) }));

    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain(url);
  });

  it('says TIMEOUT for a server that never answers, and lets go of the URL', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const url = `http://127.0.0.1:${port}/app.git`;
    const cache = new RepositoryCache({ dir: newCacheDir(), timeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await gitRejection(cache.fetchCommit({ url, commit: 'b'.repeat(40) }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain(url);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The aborted fetch let go of the URL's lock (hasCommit waits for it, with no timeout of its own).
      const checked = Date.now();
      expect(await cache.hasCommit(url, 'b'.repeat(40))).toBe(false);
      expect(Date.now() - checked).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('waits for a server that says nothing for longer than 5 s while it builds the pack', async () => {
    const repository = await server.createRepository('slow', { 'a.yaml': 'a: 1\n' });
    // In front of the Git server: holds back upload-pack's answer for 6 s (Node's default agents give up after 5 s).
    const slow = createHttpServer((request, response) => {
      const forwarded = httpRequest(new URL(request.url ?? '/', server.url), { method: request.method, headers: request.headers }, (answer) => {
        setTimeout(() => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        }, request.url?.endsWith('/git-upload-pack') ? 6_000 : 0);
      });
      request.pipe(forwarded);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const { port } = slow.address() as { port: number };
    try {
      const cache = new RepositoryCache({ dir: newCacheDir() });
      expect(await cache.fetchCommit({ url: `http://127.0.0.1:${port}/slow.git`, commit: repository.commit })).toEqual({ commit: repository.commit, isCached: false });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  }, 30_000);

  it('removes one entry, and prunes every entry but those kept', async () => {
    const a = await server.createRepository('prune-a', { 'a.yaml': 'a\n' });
    const b = await server.createRepository('prune-b', { 'b.yaml': 'b\n' });
    const dir = newCacheDir();
    const cache = new RepositoryCache({ dir });
    await cache.fetchCommit({ url: a.url, commit: a.commit });
    await cache.fetchCommit({ url: b.url, commit: b.commit });
    await mkdir(join(dir, 'not-an-entry'));
    await writeFile(join(dir, 'notes.txt'), 'kept\n');

    await cache.remove(a.url);
    expect(await cache.hasCommit(a.url, a.commit)).toBe(false);
    expect(await cache.hasCommit(b.url, b.commit)).toBe(true);

    await cache.fetchCommit({ url: a.url, commit: a.commit });
    expect(await cache.prune([b.url])).toEqual([a.url]);
    expect(await cache.hasCommit(a.url, a.commit)).toBe(false);
    expect(await cache.hasCommit(b.url, b.commit)).toBe(true);
    expect(await cache.prune()).toEqual([b.url]);
    expect((await readdir(dir)).sort()).toEqual(['not-an-entry', 'notes.txt']);
  });

  it('reads content that comes back after a change (a revert), keeping no object in two packs', async () => {
    // The thin pack of the revert would send the first content again as a delta against the second, which is
    // stored as a delta against the first: with both copies kept, a read could go round in circles forever.
    const first = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: good\n';
    const { url, commit: c0 } = await server.createRepository('comes-back', { 'web/settings.yaml': first, 'other/a.yaml': 'a: 1\n' });
    const checkout = await server.checkout('comes-back');
    await checkout.write('web/settings.yaml', first.replace('good', 'changed'));
    await checkout.write('web/new.yaml', first.replace('settings', 'new'));
    const c1 = await checkout.commit('change');
    await checkout.write('other/b.yaml', 'b: 1\n');
    const c2 = await checkout.commit('unrelated');
    await checkout.write('web/settings.yaml', first);
    await checkout.remove('web/new.yaml');
    const c3 = await checkout.commit('revert');
    await checkout.push();
    const dir = newCacheDir();
    const cache = new RepositoryCache({ dir });

    for (const commit of [c0, c1, c2, c3]) await cache.fetchCommit({ url, commit, ref: 'main' });

    expect(await cache.readTree({ url, commit: c3, path: 'web' })).toEqual([{ path: 'web/settings.yaml', content: first }]);
    const [entry] = await readdir(dir);
    const packDir = join(dir, entry as string, 'objects', 'pack');
    const ids = [];
    for (const name of (await readdir(packDir)).filter((n) => n.endsWith('.idx'))) ids.push(...packIndexObjectIds(await readFile(join(packDir, name))));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts an entry afresh once it holds maxPacks packs, keeping only what is asked for', async () => {
    const { url, commit: first } = await server.createRepository('compact', { 'a.yaml': 'v: 0\n' });
    const checkout = await server.checkout('compact');
    const commits = [first];
    for (let i = 1; i <= 3; i++) {
      await checkout.write('a.yaml', `v: ${i}\n`);
      commits.push(await checkout.commit(`v${i}`));
    }
    await checkout.push();
    const cache = new RepositoryCache({ dir: newCacheDir(), maxPacks: 2 });

    for (const commit of commits) await cache.fetchCommit({ url, commit });

    const last = commits[3] as string;
    expect(await cache.readTree({ url, commit: last, path: '' })).toEqual([{ path: 'a.yaml', content: 'v: 3\n' }]);
    expect(await cache.hasCommit(url, first)).toBe(false);
    expect(await cache.fetchCommit({ url, commit: first })).toEqual({ commit: first, isCached: false });
  });
});

describe('RepositoryCache with Basic auth', () => {
  const auth = { username: 'agent', password: 'p4ss-w0rd-for-git' };
  let server: GitServer;

  beforeAll(async () => {
    server = await startGitServer({ auth });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('fetches with the right credentials', async () => {
    const { url, commit } = await server.createRepository('private', { 'deploy/a.yaml': 'a: 1\n' });
    const cache = new RepositoryCache({ dir: newCacheDir() });
    await cache.fetchCommit({ url, commit, credentials: auth });
    expect(await cache.readTree({ url, commit, path: 'deploy' })).toEqual([{ path: 'deploy/a.yaml', content: 'a: 1\n' }]);
  });

  it('says UNAUTHORIZED for wrong credentials with no password in the message or data', async () => {
    const { url, commit } = await server.createRepository('private-2', { 'a.yaml': 'a\n' });
    const wrong = { username: 'agent', password: 'not-the-password-42' };

    const error = await gitRejection(new RepositoryCache({ dir: newCacheDir() }).fetchCommit({ url, commit, credentials: wrong }));

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain(url);
    const serialised = `${error.message} ${JSON.stringify(error.data)} ${String(error.stack)} ${JSON.stringify(error.toFlotillaError().data)}`;
    expect(serialised).not.toContain(wrong.password);
    expect(serialised).not.toContain(auth.password);
    expect(serialised).not.toContain(Buffer.from(`agent:${wrong.password}`).toString('base64'));
  });
});
