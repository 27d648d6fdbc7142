import { createServer, type Server, type Socket } from 'node:net';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { type HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRef } from './resolve-ref.js';
import { gitRejection } from './testing/git-rejection.js';

/** An HTTP client that counts the requests it makes. */
function countingHttp(): { http: HttpClient; requests: string[] } {
  const requests: string[] = [];
  return { requests, http: { request: (request) => (requests.push(`${request.method ?? 'GET'} ${request.url}`), nodeHttp.request(request)) } };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('resolveRef', () => {
  let server: GitServer;
  let url: string;
  let first: string;
  let head: string;
  let annotatedTagObject: string;

  beforeAll(async () => {
    server = await startGitServer();
    const repository = await server.createRepository('app', { 'deploy/web.yaml': 'kind: Deployment\n' });
    url = repository.url;
    first = repository.commit;
    const checkout = await server.checkout('app');
    await checkout.tag('v1.0.0');
    await checkout.write('deploy/web.yaml', 'kind: Deployment\nreplicas: 2\n');
    head = await checkout.commit('Scale web');
    await checkout.tag('v1.1.0', 'Release 1.1.0');
    // A tag and a branch of one name: the branch wins, as with `git clone --branch`.
    await checkout.git(['branch', 'release', first]);
    await checkout.tag('release');
    await checkout.git(['push', '--quiet', 'origin', 'refs/heads/release:refs/heads/release']);
    await checkout.push();
    annotatedTagObject = await checkout.git(['rev-parse', 'refs/tags/v1.1.0']);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('resolves a branch name to its full ref and commit', async () => {
    expect(await resolveRef({ url, ref: 'main' })).toEqual({ ref: 'refs/heads/main', commit: head });
  });

  it('resolves a full branch ref', async () => {
    expect(await resolveRef({ url, ref: 'refs/heads/main' })).toEqual({ ref: 'refs/heads/main', commit: head });
  });

  it('resolves a lightweight tag', async () => {
    expect(await resolveRef({ url, ref: 'v1.0.0' })).toEqual({ ref: 'refs/tags/v1.0.0', commit: first });
  });

  it('peels an annotated tag to its commit, by short and by full name', async () => {
    expect(annotatedTagObject).not.toBe(head);
    expect(await resolveRef({ url, ref: 'v1.1.0' })).toEqual({ ref: 'refs/tags/v1.1.0', commit: head });
    expect(await resolveRef({ url, ref: 'refs/tags/v1.1.0' })).toEqual({ ref: 'refs/tags/v1.1.0', commit: head });
  });

  it('prefers a branch over a tag of the same name', async () => {
    expect(await resolveRef({ url, ref: 'release' })).toEqual({ ref: 'refs/heads/release', commit: first });
  });

  it('resolves HEAD to the default branch', async () => {
    expect(await resolveRef({ url, ref: 'HEAD' })).toEqual({ ref: 'refs/heads/main', commit: head });
  });

  it('passes a commit id through without a request', async () => {
    const { http, requests } = countingHttp();
    expect(await resolveRef({ url, ref: first.toUpperCase(), http })).toEqual({ ref: first.toUpperCase(), commit: first });
    expect(requests).toEqual([]);
  });

  it('lists refs without cloning: two requests for a branch', async () => {
    const { http, requests } = countingHttp();
    await resolveRef({ url, ref: 'main', http });
    expect(requests).toEqual([`GET ${url}/info/refs?service=git-upload-pack`, `POST ${url}/git-upload-pack`]);
  });

  it('says REF_NOT_FOUND for a ref that does not exist, naming the ref and the URL', async () => {
    const error = await gitRejection(resolveRef({ url, ref: 'no-such-branch' }));
    expect(error.code).toBe('REF_NOT_FOUND');
    expect(error.message).toContain('"no-such-branch"');
    expect(error.message).toContain(url);
    expect(error.data).toMatchObject({ url, ref: 'no-such-branch' });
    expect((await gitRejection(resolveRef({ url, ref: 'refs/tags/v9' }))).code).toBe('REF_NOT_FOUND');
  });

  it('refuses a ref name git would refuse', async () => {
    expect((await gitRejection(resolveRef({ url, ref: 'main..x' }))).code).toBe('INVALID_ARGUMENT');
    expect((await gitRejection(resolveRef({ url, ref: '' }))).code).toBe('INVALID_ARGUMENT');
  });

  it('says NOT_FOUND for a repository that does not exist', async () => {
    const error = await gitRejection(resolveRef({ url: server.repoUrl('missing'), ref: 'main' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(server.repoUrl('missing'));
  });

  it('says UNREACHABLE for a server that is not there', async () => {
    const port = await closedPort();
    const error = await gitRejection(resolveRef({ url: `http://127.0.0.1:${port}/app.git`, ref: 'main' }));
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain(`http://127.0.0.1:${port}/app.git`);
    expect(error.data.errno).toBe('ECONNREFUSED');
  });

  it('says TIMEOUT for a server that never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await gitRejection(resolveRef({ url: `http://127.0.0.1:${port}/app.git`, ref: 'main', timeoutMs: 300 }));
      expect(error.code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses a URL with credentials in it before any request', async () => {
    const error = await gitRejection(resolveRef({ url: url.replace('http://', 'http://user:s3cret@'), ref: 'main' }));
    expect(error.code).toBe('INVALID_URL');
    expect(error.message).not.toContain('s3cret');
  });
});

describe('resolveRef with Basic auth', () => {
  const auth = { username: 'flotilla', password: 'correct-horse-battery' };
  let server: GitServer;
  let url: string;
  let commit: string;

  beforeAll(async () => {
    server = await startGitServer({ auth });
    ({ url, commit } = await server.createRepository('private', { 'a.yaml': 'a: 1\n' }));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('resolves with the right credentials, sent up front', async () => {
    const { http, requests } = countingHttp();
    expect(await resolveRef({ url, ref: 'main', credentials: auth, http })).toEqual({ ref: 'refs/heads/main', commit });
    expect(requests).toHaveLength(2);
  });

  it('says UNAUTHORIZED for wrong credentials without revealing the password', async () => {
    const wrong = { username: 'flotilla', password: 'wrong-password-123' };
    const error = await gitRejection(resolveRef({ url, ref: 'main', credentials: wrong }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain(url);
    expect(error.message).toMatch(/refused the credentials/);
    expect(error.data.statusCode).toBe(401);
    const serialised = `${error.message} ${JSON.stringify(error.data)} ${error.stack ?? ''}`;
    expect(serialised).not.toContain(wrong.password);
    expect(serialised).not.toContain(Buffer.from(`flotilla:${wrong.password}`).toString('base64'));
  });

  it('says UNAUTHORIZED without credentials, asking for them', async () => {
    const error = await gitRejection(resolveRef({ url, ref: 'main' }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(/requires credentials/);
  });
});
