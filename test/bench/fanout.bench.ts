import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePorts, type GitServer, startGitServer } from '@flotilla/testenv';
import { type BenchReport, percentile } from './bench-report.js';
import { imageNodeFlags } from './image-node-flags.js';
import { ask, collect, connectAll, stopAll, WORKERS } from './simulated-agents.js';

// Fan-out: N simulated agents (plain grpc-js streams in K worker processes) connected to a hub running as a child
// process; the hub's RSS with all connected, the time to connect them all, and commit → every agent has the new
// Assignment (p50/p99/max). Baseline: a bare grpc-js server holding as many streams and broadcasting one message.

const here = dirname(fileURLToPath(import.meta.url));
const hubMain = join(here, '..', '..', 'hub', 'dist', 'main.js');
const ADMIN_TOKEN = 'flt_bench-fanout-admin-token';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number): number => Math.round(value * 10) / 10;

/** VmRSS of a process, in MiB. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return round(Number(/(\d+)/.exec(line)?.[1] ?? Number.NaN) / 1024);
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function hubFanout(n: number, git: GitServer, dir: string) {
  const [httpPort, grpcPort] = (await findFreePorts(2)) as [number, number];
  // The hub image's flags, and e.g. FLOTILLA_BENCH_HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it.
  const extraArgs = (process.env.FLOTILLA_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const nodeArgs = [...imageNodeFlags('hub'), ...extraArgs];
  const hub = spawn(process.execPath, [...nodeArgs, hubMain], {
    env: {
      ...process.env,
      FLOTILLA_DATA_DIR: join(dir, 'hub'),
      FLOTILLA_HTTP_HOST: '127.0.0.1',
      FLOTILLA_GRPC_HOST: '127.0.0.1',
      FLOTILLA_HTTP_PORT: String(httpPort),
      FLOTILLA_GRPC_PORT: String(grpcPort),
      FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'warn',
      FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN,
      // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
      FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
      FLOTILLA_JOIN_RATE_LIMIT: '100000',
      FLOTILLA_HEARTBEAT_INTERVAL_MS: '60000',
      FLOTILLA_HEARTBEAT_TIMEOUT_MS: '600000',
      FLOTILLA_POLL_TICK_MS: '60000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${httpPort}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  let workers: ChildProcess[] = [];
  try {
    for (let ready = false; !ready; ) {
      if (hub.exitCode !== null) throw new Error(`the hub exited with ${hub.exitCode}`);
      ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (!ready) await sleep(200);
    }
    const idleRss = rssMiB(hub.pid as number);
    const registerStarted = performance.now();
    const agents: Array<{ cluster: string; joinToken: string }> = [];
    await pool(Array.from({ length: n }, (_, i) => `c-${String(i).padStart(5, '0')}`), 16, async (name) => {
      const res = await api('POST', '/api/v1/clusters', { name, labels: { fleet: 'bench' } });
      agents.push({ cluster: name, joinToken: res.joinToken as string });
    });
    const registerMs = Math.round(performance.now() - registerStarted);
    await api('POST', '/api/v1/sources', { name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 });
    await api('POST', '/api/v1/apps', { name: 'bench', source: 'fleet', path: 'app', namespace: 'bench', targets: { selector: { matchLabels: { fleet: 'bench' } } } });
    const connected = await connectAll(`127.0.0.1:${grpcPort}`, agents);
    workers = connected.workers;
    await sleep(2000);
    const rss = rssMiB(hub.pid as number);

    const checkout = await git.checkout('fleet');
    await checkout.write('app/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n  value: "2"\n');
    await checkout.commit('bench: change');
    await checkout.push();
    const startedAt = Date.now();
    const refresh = await api('POST', '/api/v1/sources/fleet/refresh');
    const refreshMs = Date.now() - startedAt;
    if (refresh.changed !== true) throw new Error(`the refresh did not see the new commit: ${JSON.stringify(refresh)}`);
    const fanout = await collect(workers, n, startedAt, 120_000);
    return { idleRss, rss, registerMs, ...connected, refreshMs, ...fanout };
  } finally {
    stopAll(workers);
    hub.kill('SIGTERM');
    setTimeout(() => hub.kill('SIGKILL'), 5000).unref();
    await new Promise((resolve) => (hub.exitCode !== null ? resolve(undefined) : hub.once('exit', resolve)));
  }
}

async function baselineFanout(n: number) {
  const server = fork(join(here, 'fanout-baseline-server.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let workers: ChildProcess[] = [];
  try {
    const { port } = await ask(server, {}, 'listening');
    const agents = Array.from({ length: n }, (_, i) => ({ cluster: `c-${i}`, joinToken: 'bench' }));
    const connected = await connectAll(`127.0.0.1:${port}`, agents);
    workers = connected.workers;
    await sleep(2000);
    const rss = rssMiB(server.pid as number);
    const startedAt = Date.now();
    const { streams } = await ask(server, { type: 'broadcast' }, 'broadcast');
    if (streams !== n) throw new Error(`the baseline server holds ${streams} streams, not ${n}`);
    const fanout = await collect(workers, n, startedAt, 60_000);
    return { rss, ...connected, ...fanout };
  } finally {
    stopAll([...workers, server]);
  }
}

/** Hub RSS and connect time with N agents, and commit → every agent has the new Assignment, against a bare grpc-js server. */
export async function fanoutBench(full: boolean): Promise<BenchReport> {
  const n = full ? 10_000 : 1_000;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-fanout-'));
  const git = await startGitServer();
  try {
    await git.createRepository('fleet', { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n  value: "1"\n' });
    const baseline = await baselineFanout(n);
    const hub = await hubFanout(n, git, dir);
    const baselineName = 'bare grpc-js server';
    const p = (values: number[], q: number) => round(percentile(values, q));
    const p99 = p(hub.latencies, 99);
    return {
      bench: 'fanout',
      size: `${n} agents, ${WORKERS} worker processes`,
      measurements: [
        { name: `hub RSS, ${n} streams`, value: hub.rss, unit: 'MiB', baseline: baseline.rss, baselineName, ...(n >= 10_000 ? { target: '< 512 MiB', met: hub.rss < 512 } : {}) },
        { name: `connect ${n} agents`, value: hub.connectMs, unit: 'ms', baseline: baseline.connectMs, baselineName },
        { name: 'commit → agents, p50', value: p(hub.latencies, 50), unit: 'ms', baseline: p(baseline.latencies, 50), baselineName: 'broadcast' },
        { name: 'commit → agents, p99', value: p99, unit: 'ms', baseline: p(baseline.latencies, 99), baselineName: 'broadcast', target: '< 500 ms', met: hub.missing === 0 && p99 < 500 },
        { name: 'commit → agents, max', value: p(hub.latencies, 100), unit: 'ms', baseline: p(baseline.latencies, 100), baselineName: 'broadcast' },
      ],
      notes: [
        `hub idle RSS ${hub.idleRss} MiB; registering ${n} clusters over REST took ${hub.registerMs} ms, joining them ${hub.joinMs} ms (baseline join ${baseline.joinMs} ms)`,
        `the refresh call answered after ${hub.refreshMs} ms (fan-out latency counts from its start)`,
        ...(hub.missing > 0 ? [`${hub.missing} agents never received the new revision`] : []),
        ...(baseline.missing > 0 ? [`${baseline.missing} agents never received the baseline broadcast`] : []),
      ],
    };
  } finally {
    await git.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
