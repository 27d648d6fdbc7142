import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCommandError, runGit } from './git-command.js';
import { type GitRepository, type GitServer, startGitServer } from './git-server.js';

let scratch: string;
let scratchDirs = 0;
const newDir = (): string => join(scratch, `dir-${++scratchDirs}`);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'flotilla-git-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('startGitServer without auth', () => {
  let server: GitServer;
  let app: GitRepository;

  beforeAll(async () => {
    server = await startGitServer();
    app = await server.createRepository('app', { 'README.md': '# app\n', 'deploy/web.yaml': 'kind: Deployment\n' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lets isomorphic-git clone a repository with depth 1 and read its files', async () => {
    const dir = newDir();
    await git.clone({ fs, http, dir, url: app.url, depth: 1, singleBranch: true });

    expect(await readFile(join(dir, 'deploy/web.yaml'), 'utf8')).toBe('kind: Deployment\n');
    expect(await git.resolveRef({ fs, dir, ref: 'HEAD' })).toBe(app.commit);
    expect(await git.currentBranch({ fs, dir })).toBe('main');
  });

  it('shows a commit pushed from a checkout in the refs listing and to a fetch', async () => {
    const dir = newDir();
    await git.clone({ fs, http, dir, url: app.url, depth: 1, singleBranch: true });

    const checkout = await server.checkout('app');
    await checkout.write('deploy/web.yaml', 'kind: Deployment\nreplicas: 3\n');
    await checkout.remove('README.md');
    const pushed = await checkout.commit('Scale web to 3');
    await checkout.tag('v1.0.0');
    await checkout.push();

    expect(pushed).toMatch(/^[0-9a-f]{40}$/);
    expect(await checkout.head()).toBe(pushed);
    const info = await git.getRemoteInfo({ http, url: app.url });
    expect(info.refs?.heads?.main).toBe(pushed);
    const refs = await git.listServerRefs({ http, url: app.url, protocolVersion: 2 });
    expect(refs).toContainEqual({ ref: 'refs/heads/main', oid: pushed });
    expect(refs).toContainEqual({ ref: 'refs/tags/v1.0.0', oid: pushed });

    const fetched = await git.fetch({ fs, http, dir, ref: 'main', depth: 1, singleBranch: true });
    expect(fetched.fetchHead).toBe(pushed);
    const { commit } = await git.readCommit({ fs, dir, oid: pushed });
    expect(commit.message).toBe('Scale web to 3\n');
    const { blob } = await git.readBlob({ fs, dir, oid: pushed, filepath: 'deploy/web.yaml' });
    expect(Buffer.from(blob).toString('utf8')).toContain('replicas: 3');
  });

  it('rejects a push that is not a fast-forward with git’s own explanation', async () => {
    await server.createRepository('contended', { 'a.txt': 'a\n' });
    const first = await server.checkout('contended');
    const second = await server.checkout('contended');
    await first.write('a.txt', 'first\n');
    await first.commit('First');
    await first.push();
    await second.write('a.txt', 'second\n');
    await second.commit('Second');

    const error: unknown = await second.push().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error).toMatchObject({ code: 'GIT_COMMAND_FAILED', data: { exitCode: 1 } });
    expect((error as Error).message).toMatch(/rejected/);
  });

  it('serves the plain git command for clone', async () => {
    const repo = await server.createRepository('plain', { 'a.txt': 'a\n' }, { branch: 'trunk' });
    const dir = newDir();
    await runGit(['clone', '--quiet', repo.url, dir], { cwd: scratch, home: scratch });

    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir, home: scratch })).toBe('trunk');
  });

  it('accepts a push larger than git’s 1 MiB post buffer, which git sends chunked without a length', async () => {
    const repo = await server.createRepository('large');
    const checkout = await server.checkout('large');
    await checkout.write('blob.bin', randomBytes(3 * 1024 * 1024));
    const pushed = await checkout.commit('Add an incompressible blob');
    await checkout.push();

    const refs = await git.listServerRefs({ http, url: repo.url });
    expect(refs).toContainEqual({ ref: 'refs/heads/main', oid: pushed });
  });

  it('inflates gzip-encoded request bodies, as git sends for large fetch negotiations', async () => {
    // A protocol-v2 ls-refs request in pkt-lines: command, delimiter, flush.
    const body = gzipSync('0014command=ls-refs\n00010000');
    const response = await post(`${app.url}/git-upload-pack`, body, {
      'Content-Type': 'application/x-git-upload-pack-request',
      'Content-Encoding': 'gzip',
      'Git-Protocol': 'version=2',
    });

    expect(response.status).toBe(200);
    expect(response.body).toContain(' refs/heads/main\n');
  });

  it('answers 404 for a repository that does not exist', async () => {
    const error: unknown = await git.getRemoteInfo({ http, url: server.repoUrl('missing') }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: git.Errors.HttpError.code, data: { statusCode: 404 } });
  });
});

describe('startGitServer with Basic auth', () => {
  const auth = { username: 'flotilla', password: 's3cret' };
  let server: GitServer;
  let app: GitRepository;

  beforeAll(async () => {
    server = await startGitServer({ auth });
    app = await server.createRepository('private', { 'secret.txt': 'hidden\n' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('clones with the right credentials', async () => {
    const dir = newDir();
    await git.clone({ fs, http, dir, url: app.url, depth: 1, onAuth: () => auth });

    expect(await readFile(join(dir, 'secret.txt'), 'utf8')).toBe('hidden\n');
  });

  it('refuses wrong credentials with an HttpError naming status 401', async () => {
    const error: unknown = await git
      .clone({ fs, http, dir: newDir(), url: app.url, depth: 1, onAuth: () => ({ username: 'flotilla', password: 'wrong' }) })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(git.Errors.HttpError);
    expect(error).toMatchObject({ code: 'HttpError', data: { statusCode: 401 } });
    expect((error as Error).message).toMatch(/401/);
  });

  it('refuses a client without credentials', async () => {
    const error: unknown = await git.listServerRefs({ http, url: app.url }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'HttpError', data: { statusCode: 401 } });
    const response = await post(`${app.url}/git-upload-pack`, Buffer.from('0000'), {});
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('lets a checkout push with the server credentials', async () => {
    const checkout = await server.checkout('private');
    await checkout.write('secret.txt', 'still hidden\n');
    const pushed = await checkout.commit('Rotate secret');
    await checkout.push();

    const info = await git.getRemoteInfo({ http, url: app.url, onAuth: () => auth });
    expect(info.refs?.heads?.main).toBe(pushed);
  });
});

describe('GitServer.stop', () => {
  it('removes the temporary directory and can be called twice', async () => {
    const server = await startGitServer();
    await server.createRepository('short-lived');

    await server.stop();
    await server.stop();

    await expect(stat(server.directory)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(git.getRemoteInfo({ http, url: server.repoUrl('short-lived') })).rejects.toThrow();
  });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A bare POST, for requests no Git client makes on demand. */
function post(url: string, body: Buffer, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
