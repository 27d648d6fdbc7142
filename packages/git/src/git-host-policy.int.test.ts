import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHostPolicy } from './git-host-policy.js';
import { RepositoryCache } from './repository-cache.js';
import { resolveRef } from './resolve-ref.js';
import { gitRejection } from './testing/git-rejection.js';

// The policy is checked as each connection is made, after DNS: a name whose answer holds a denied address is refused
// before any byte is sent, and so is a redirect to a denied IP literal.
describe('the Git host policy on connections', () => {
  let server: GitServer;
  let port: string;
  let commit: string;
  let redirector: Server;
  let redirectUrl: string;
  let dir: string;

  beforeAll(async () => {
    server = await startGitServer();
    commit = (await server.createRepository('app', { 'deploy/web.yaml': 'kind: Deployment\n' })).commit;
    port = new URL(server.url).port;
    // Answers every request with a redirect to the same path on another loopback address.
    redirector = createServer((request, response) => response.writeHead(302, { location: `http://127.0.0.2:${port}${request.url}` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as { port: number }).port}/app.git`;
    dir = await mkdtemp(join(tmpdir(), 'flotilla-git-policy-'));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => redirector?.close(() => resolve()));
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a name that resolves to a denied address, listing refs and fetching', async () => {
    const hostPolicy = new GitHostPolicy();
    const url = `http://localhost:${port}/app.git`;
    const listing = await gitRejection(resolveRef({ url, ref: 'main', hostPolicy }));
    expect(listing.code).toBe('HOST_REFUSED');
    expect(listing.message).toMatch(/^Git host "localhost" resolves to (127\.0\.0\.1|::1), a loopback address/);
    const cache = new RepositoryCache({ dir: join(dir, 'refused'), hostPolicy });
    expect((await gitRejection(cache.fetchCommit({ url, commit }))).code).toBe('HOST_REFUSED');
  });

  it('connects by name once the addresses it resolves to are allowed', async () => {
    const hostPolicy = new GitHostPolicy({ allowedAddresses: ['127.0.0.1', '::1'] });
    const url = `http://localhost:${port}/app.git`;
    expect(await resolveRef({ url, ref: 'main', hostPolicy })).toEqual({ ref: 'refs/heads/main', commit });
    const cache = new RepositoryCache({ dir: join(dir, 'allowed'), hostPolicy });
    expect(await cache.fetchCommit({ url, commit })).toEqual({ commit, isCached: false });
  });

  it('refuses a redirect to a denied address', async () => {
    const hostPolicy = new GitHostPolicy({ allowedAddresses: ['127.0.0.1'] });
    const error = await gitRejection(resolveRef({ url: redirectUrl, ref: 'main', hostPolicy }));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'HOST_REFUSED',
      message: 'Git host "127.0.0.2" is a loopback address, which Git hosts may not use unless the allowed addresses include it',
    });
  });
});
