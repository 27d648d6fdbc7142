import { createServer, type Server } from 'node:net';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHubState } from '../testing/hub-state.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';

describe('the Git hosts a Source may name', () => {
  let git: GitServer;
  /** Runs the default policy: loopback, link-local and unspecified addresses refused. */
  let strict: TestHub;
  /** Allows the test Git server's address, and only the hosts listed. */
  let listed: TestHub;
  let port: string;

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    port = new URL(git.url).port;
    strict = await startTestHub('sqlite', { FLOTILLA_GIT_ALLOWED_ADDRESSES: '', FLOTILLA_POLL_TICK_MS: '60000' });
    listed = await startTestHub('sqlite', { FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1', FLOTILLA_GIT_ALLOWED_HOSTS: '127.0.0.1,*.example.com', FLOTILLA_POLL_TICK_MS: '60000' });
  });
  afterAll(async () => {
    await Promise.all([strict?.stop(), listed?.stop()]);
    await git?.stop();
  });

  it('refuses a Source on a loopback, link-local or unspecified address with 400 naming the rule, on create and update', async () => {
    const before = await readHubState(strict);
    const urls = [`http://127.0.0.1:${port}/fleet.git`, 'http://127.0.0.1:5432/postgres.git', 'http://[::1]:8080/x.git', 'http://169.254.169.254/latest.git', 'http://0.0.0.0:9090/x.git'];
    for (const url of urls) {
      const res = await strict.api().post('/api/v1/sources').send({ name: 'probe', url }).expect(400);
      expect(res.body.error.code).toBe('INVALID_ARGUMENT');
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['url']);
      expect(res.body.error.message, url).toMatch(/^invalid request body: url: Git host ".+" is an? (loopback|link-local|unspecified) address, which Git hosts may not use unless the allowed addresses include it \(settings FLOTILLA_GIT_ALLOWED_HOSTS, FLOTILLA_GIT_ALLOWED_ADDRESSES, FLOTILLA_GIT_DENIED_ADDRESSES\)$/);
    }
    expect(await readHubState(strict)).toEqual(before);
  });

  it('refuses at fetch time a name that resolves to a refused address, without telling refused from reset', async () => {
    const created = await strict.api().post('/api/v1/sources').send({ name: 'by-name', url: `http://localhost:${port}/fleet.git`, pollIntervalSeconds: 86_400 }).expect(201);
    expect(created.body.revision).toBeNull();
    expect(created.body.lastError).toMatch(/^Git host "localhost" resolves to (127\.0\.0\.1|::1), a loopback address, which Git hosts may not use unless the allowed addresses include it/);
    expect(created.body.lastError).not.toMatch(/ECONN/);
    const refreshed = await strict.api().post('/api/v1/sources/by-name/refresh').expect(200);
    expect(refreshed.body.lastError).toMatch(/^Git host "localhost" resolves to/);
    const patched = await strict.api().patch('/api/v1/sources/by-name').send({ url: `http://127.0.0.1:${port}/fleet.git` }).expect(400);
    expect(patched.body.error.message).toMatch(/is a loopback address/);
  });

  it('takes only the listed hosts when a list is set, and an allowed address', async () => {
    const refused = await listed.api().post('/api/v1/sources').send({ name: 'elsewhere', url: 'https://github.com/org/fleet.git' }).expect(400);
    expect(refused.body.error.message).toMatch(/Git host "github.com" is not one of the allowed Git hosts \(127.0.0.1, \*\.example\.com\)/);
    const res = await listed.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 86_400 }).expect(201);
    expect(res.body).toMatchObject({ lastError: null, revision: expect.stringMatching(/^main@sha1:[0-9a-f]{40}$/) });
  });

  it('says a closed port and a port that drops the connection the same way, so lastError is no port scanner', async () => {
    const listen = async (server: Server): Promise<number> => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    };
    const closing = createServer();
    const closed = await listen(closing);
    await new Promise<void>((resolve) => closing.close(() => resolve()));
    const resetting = createServer((socket) => socket.resetAndDestroy());
    const open = await listen(resetting);
    try {
      const errors: string[] = [];
      for (const [name, at] of [['closed-port', closed], ['open-port', open]] as const) {
        const res = await listed.api().post('/api/v1/sources').send({ name, url: `http://127.0.0.1:${at}/x.git`, pollIntervalSeconds: 86_400 }).expect(201);
        errors.push(res.body.lastError.replace(`:${at}/`, ':PORT/'));
      }
      expect(errors[0]).toBe(errors[1]);
      expect(errors[0]).toMatch(/^cannot reach http:\/\/127.0.0.1:PORT\/x.git or it dropped the connection/);
    } finally {
      await new Promise<void>((resolve) => resetting.close(() => resolve()));
    }
  });

  it('stores URLs in canonical form: lower-case scheme and host, no default port, no trailing slashes', async () => {
    const res = await listed.api().post('/api/v1/sources').send({ name: 'canonical', url: `HTTP://127.0.0.1:${port}/fleet.git//`, pollIntervalSeconds: 86_400 }).expect(201);
    expect(res.body).toMatchObject({ url: git.repoUrl('fleet'), lastError: null });
    const patched = await listed.api().patch('/api/v1/sources/canonical').send({ url: 'https://Git.Example.COM:443/Org/Fleet.git/' }).expect(200);
    expect(patched.body.url).toBe('https://git.example.com/Org/Fleet.git');
  });
});
