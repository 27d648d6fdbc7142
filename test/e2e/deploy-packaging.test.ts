import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type ControlPlane, createTestCertificates, startControlPlane, type TestCertificates } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ADMIN_TOKEN = 'flt_admin-token-of-the-packaging-test';
const authorization = { authorization: `Bearer ${ADMIN_TOKEN}` };
const root = resolve(import.meta.dirname, '../..');

/** What a Dockerfile's build stage does to make the runtime directory, and what the image runs. */
async function readDockerfile(name: string): Promise<{ packaging: string; entrypoint: string[] }> {
  const text = (await readFile(join(root, 'deploy/docker', name), 'utf8')).replace(/\\\n\s*/g, ' ');
  const packaging = text.split('\n').find((line) => line.startsWith('RUN pnpm --filter') && line.includes(' deploy '));
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(text)?.[1];
  if (!packaging || !entrypoint) throw new Error(`${name}: no "RUN pnpm --filter … deploy" line or ENTRYPOINT`);
  return { packaging: packaging.slice('RUN '.length), entrypoint: JSON.parse(entrypoint) as string[] };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The images cannot be built here (no Docker engine), so this runs what their build stage runs after `pnpm build`
// (pnpm deploy of the package, plus what the Dockerfile copies in) and starts the result as the image would.
describe('deploy: what the Dockerfiles package runs on its own', () => {
  let scratch: string;
  let plane: ControlPlane;
  let certificates: TestCertificates;
  const children: ChildProcess[] = [];
  const start = (dir: string, command: string[], env: Record<string, string>): ChildProcess => {
    const child = spawn(command[0] as string, command.slice(1), { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: scratch, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    [scratch, plane, certificates] = await Promise.all([mkdtemp(join(tmpdir(), 'flotilla-packaging-')), startControlPlane({ name: 'packaging' }), createTestCertificates()]);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await plane?.stop();
    await certificates?.remove();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('runs the hub from its packaged directory, and an agent from its own that joins it over TLS', async () => {
    const hubImage = await readDockerfile('hub.Dockerfile');
    const agentImage = await readDockerfile('agent.Dockerfile');
    expect(hubImage.entrypoint).toEqual(['node', '--max-semi-space-size=4', '--heap-growing-percent=20', 'dist/main.js']);
    expect(agentImage.entrypoint).toEqual(['node', '--max-semi-space-size=4', 'dist/main.js']);
    const hubDir = join(scratch, 'hub');
    const agentDir = join(scratch, 'agent');
    await run('bash', ['-c', hubImage.packaging.replaceAll('/out', hubDir)], { cwd: root });
    await run('bash', ['-c', agentImage.packaging.replaceAll('/out', agentDir)], { cwd: root });

    const [httpPort, grpcPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
    start(hubDir, hubImage.entrypoint, {
      FLOTILLA_DATA_DIR: join(scratch, 'hub-data'),
      FLOTILLA_HTTP_HOST: '127.0.0.1',
      FLOTILLA_GRPC_HOST: '127.0.0.1',
      FLOTILLA_HTTP_PORT: String(httpPort),
      FLOTILLA_GRPC_PORT: String(grpcPort),
      FLOTILLA_LOG_LEVEL: 'warn',
      FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN,
      FLOTILLA_GRPC_TLS_CERT: certificates.server.certPath,
      FLOTILLA_GRPC_TLS_KEY: certificates.server.keyPath,
    });
    const hubUrl = `http://127.0.0.1:${httpPort}`;
    await waitFor('the packaged hub to be ready', async () => ((await fetch(`${hubUrl}/readyz`)).ok ? true : undefined));
    expect(await (await fetch(`${hubUrl}/metrics`)).text()).toContain('flotilla_agents_connected 0');

    const registered = await fetch(`${hubUrl}/api/v1/clusters`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body: JSON.stringify({ name: 'packaged' }) });
    const { joinToken } = (await registered.json()) as { joinToken: string };
    start(agentDir, agentImage.entrypoint, {
      FLOTILLA_HUB_ADDRESS: `127.0.0.1:${grpcPort}`,
      FLOTILLA_CLUSTER: 'packaged',
      FLOTILLA_TOKEN: joinToken,
      FLOTILLA_HUB_CA_FILE: certificates.ca.certPath,
      FLOTILLA_KUBECONFIG: plane.kubeconfigPath,
      FLOTILLA_DATA_DIR: join(scratch, 'agent-data'),
      FLOTILLA_METRICS_HOST: '127.0.0.1',
      FLOTILLA_METRICS_PORT: String(metricsPort),
      FLOTILLA_LOG_LEVEL: 'warn',
    });
    const cluster = await waitFor('the packaged agent to connect', async () => {
      const body = (await (await fetch(`${hubUrl}/api/v1/clusters/packaged`, { headers: authorization })).json()) as { connected: boolean; kubernetesVersion: string };
      return body.connected ? body : undefined;
    });
    expect(cluster.kubernetesVersion).toBe(plane.version);
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain('flotilla_agent_hub_connected 1');
  }, 120_000);
});
