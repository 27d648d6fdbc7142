import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, findFreePorts, type GitServer, startGitServer } from '@flotilla/testenv';
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

/** Where the hubs of a fan-out run keep their state: the default SQLite file, or one PostgreSQL database for replicas. */
interface HubSetup {
  replicas: number;
  databaseUrl?: string;
}

async function hubFanout(n: number, git: GitServer, dir: string, setup: HubSetup = { replicas: 1 }) {
  const ports = await findFreePorts(2 * setup.replicas);
  // The hub image's flags, and e.g. FLOTILLA_BENCH_HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it.
  const extraArgs = (process.env.FLOTILLA_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const nodeArgs = [...imageNodeFlags('hub'), ...extraArgs];
  const secretKey = randomBytes(32).toString('base64');
  const hubs = Array.from({ length: setup.replicas }, (_, i) =>
    spawn(process.execPath, [...nodeArgs, hubMain], {
      env: {
        ...process.env,
        FLOTILLA_DATA_DIR: join(dir, `hub-${i}`),
        ...(setup.databaseUrl ? { FLOTILLA_DATABASE_URL: setup.databaseUrl } : {}),
        FLOTILLA_SECRET_KEY: secretKey,
        FLOTILLA_HTTP_HOST: '127.0.0.1',
        FLOTILLA_GRPC_HOST: '127.0.0.1',
        FLOTILLA_HTTP_PORT: String(ports[2 * i]),
        FLOTILLA_GRPC_PORT: String(ports[2 * i + 1]),
        FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'warn',
        FLOTILLA_ADMIN_TOKEN: ADMIN_TOKEN,
        // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
        FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
        FLOTILLA_JOIN_RATE_LIMIT: '100000',
        FLOTILLA_HEARTBEAT_INTERVAL_MS: '60000',
        FLOTILLA_HEARTBEAT_TIMEOUT_MS: '600000',
        FLOTILLA_POLL_TICK_MS: '60000',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const bases = hubs.map((_, i) => `http://127.0.0.1:${ports[2 * i]}`);
  const base = bases[0] as string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const rss = () => hubs.map((hub) => rssMiB(hub.pid as number));
  // Where replica 0's memory is: its RSS, and the V8 heap and external memory its /metrics report (prom-client).
  const memory = async (): Promise<string> => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const mib = (metric: string): number => round(Number(new RegExp(`^flotilla_hub_${metric} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1048576);
    return `RSS ${rss()[0]} MiB, heap used ${mib('nodejs_heap_size_used_bytes')} of ${mib('nodejs_heap_size_total_bytes')} MiB, external ${mib('nodejs_external_memory_bytes')} MiB`;
  };
  let workers: ChildProcess[] = [];
  try {
    // One after the other: the first creates the schema, which the others then find.
    for (const [i, hub] of hubs.entries()) {
      for (let ready = false; !ready; ) {
        if (hub.exitCode !== null) throw new Error(`hub ${i} exited with ${hub.exitCode}`);
        ready = await fetch(`${bases[i]}/readyz`).then((r) => r.ok, () => false);
        if (!ready) await sleep(200);
      }
    }
    const idleRss = rss();
    const idleMemory = await memory();
    const registerStarted = performance.now();
    const agents: Array<{ cluster: string; joinToken: string }> = [];
    // registeredAfterMs[k - 1]: when k clusters were registered, from the start.
    const registeredAfterMs: number[] = [];
    await pool(Array.from({ length: n }, (_, i) => `c-${String(i).padStart(5, '0')}`), 16, async (name) => {
      const res = await api('POST', '/api/v1/clusters', { name, labels: { fleet: 'bench' } });
      agents.push({ cluster: name, joinToken: res.joinToken as string });
      registeredAfterMs.push(Math.round(performance.now() - registerStarted));
    });
    const registerMs = Math.round(performance.now() - registerStarted);
    await sleep(2000);
    const registeredMemory = await memory();
    await api('POST', '/api/v1/sources', { name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 });
    await api('POST', '/api/v1/apps', { name: 'bench', source: 'fleet', path: 'app', namespace: 'bench', targets: { selector: { matchLabels: { fleet: 'bench' } } } });
    const connected = await connectAll(
      hubs.map((_, i) => `127.0.0.1:${ports[2 * i + 1]}`),
      agents,
    );
    workers = connected.workers;
    await sleep(2000);
    const connectedRss = rss();
    const connectedMemory = await memory();
    if (process.env.FLOTILLA_BENCH_HEAP_SNAPSHOT) {
      // With FLOTILLA_BENCH_HUB_NODE_ARGS=--heapsnapshot-signal=SIGUSR2: a heap snapshot of the hub holding every stream.
      for (const hub of hubs) hub.kill('SIGUSR2');
      await sleep(Number(process.env.FLOTILLA_BENCH_HEAP_SNAPSHOT) * 1000);
    }

    const checkout = await git.checkout('fleet');
    // A value of its own: a bench running the hub twice on one repository makes a new commit each time.
    await checkout.write('app/cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n  value: "${Date.now()}"\n`);
    await checkout.commit('bench: change');
    await checkout.push();
    // REST while the hub is quiet, then during the fan-out: the same read, one after the other.
    const quietRest = await probeRest(base, 2000);
    const startedAt = Date.now();
    const during = probeRest(base, 120_000); process.stderr.write(`T ${startedAt} refresh-start\n`);
    // The commit is found by replica 0; with replicas, the agents of the others get it through the event log.
    const refresh = await api('POST', '/api/v1/sources/fleet/refresh');
    const refreshMs = Date.now() - startedAt;
    if (refresh.changed !== true) throw new Error(`the refresh did not see the new commit: ${JSON.stringify(refresh)}`);
    const fanout = await collect(workers, n, startedAt, 120_000);
    process.stderr.write(`T ${startedAt + Math.min(...fanout.latencies)} first-agent\nT ${startedAt + Math.max(...fanout.latencies)} last-agent\n`);
    during.stop();
    const duringRest = await during;
    return { idleRss, rss: connectedRss, memory: { idle: idleMemory, registered: registeredMemory, connected: connectedMemory }, registerMs, registeredAfterMs, ...connected, refreshMs, ...fanout, quietRest, duringRest };
  } finally {
    stopAll(workers);
    for (const hub of hubs) {
      hub.kill('SIGTERM');
      // Time to write a CPU profile (FLOTILLA_BENCH_HUB_NODE_ARGS=--cpu-prof) of a large run.
      setTimeout(() => hub.kill('SIGKILL'), 30_000).unref();
    }
    await Promise.all(hubs.map((hub) => new Promise((resolve) => (hub.exitCode !== null ? resolve(undefined) : hub.once('exit', resolve)))));
  }
}

/** How often the REST probe reads, as a dashboard polling the app's status (10,000 clusters in one answer) would. */
const REST_PROBE_INTERVAL_MS = 1000;

/**
 * Latencies (ms) of `GET /api/v1/apps/bench/status`, one every REST_PROBE_INTERVAL_MS (or as soon as the last one
 * answered, if later), for `ms` or until stopped: how responsive the hub's REST API stays while it fans a commit out.
 */
function probeRest(base: string, ms: number): Promise<number[]> & { stop(): void } {
  let stopped = false;
  const latencies: number[] = [];
  const run = (async () => {
    const until = performance.now() + ms;
    while (!stopped && performance.now() < until) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/apps/bench/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET /api/v1/apps/bench/status: ${res.status}`);
      latencies.push(performance.now() - started);
      await sleep(Math.max(0, REST_PROBE_INTERVAL_MS - (performance.now() - started)));
    }
    return latencies;
  })();
  return Object.assign(run, { stop: () => void (stopped = true) });
}

/** When the 1,000th, 5,000th and N-th of `afterMs` (cumulative times) happened, and the time per 1,000 in each span. */
function growth(afterMs: readonly number[]): string {
  const marks = [1000, 5000, 10_000].filter((k) => k <= afterMs.length);
  if (afterMs.length > 0 && !marks.includes(afterMs.length)) marks.push(afterMs.length);
  let previous = 0;
  let previousAt = 0;
  return marks
    .map((k) => {
      const at = afterMs[k - 1] as number;
      const per1000 = ((at - previousAt) / (k - previous)) * 1000;
      const text = `${k}: ${(at / 1000).toFixed(1)} s (${(per1000 / 1000).toFixed(2)} s per 1,000 since ${previous})`;
      previous = k;
      previousAt = at;
      return text;
    })
    .join('; ');
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
    const [hubRss = Number.NaN] = hub.rss;
    const baselineName = 'bare grpc-js server';
    const p = (values: number[], q: number) => round(percentile(values, q));
    const p99 = p(hub.latencies, 99);
    const baselineP99 = p(baseline.latencies, 99);
    // Issue #19's targets, as ratios to the bare server measured in this run.
    const full = n >= 10_000;
    const rssTarget = full ? 1.15 : 1.3;
    return {
      bench: 'fanout',
      size: `${n} agents, ${WORKERS} worker processes`,
      measurements: [
        {
          name: `hub RSS, ${n} streams`,
          value: hubRss,
          unit: 'MiB',
          baseline: baseline.rss,
          baselineName,
          target: full ? `≤ ${rssTarget}× and < 512 MiB` : `≤ ${rssTarget}×`,
          met: hubRss <= rssTarget * baseline.rss && (!full || hubRss < 512),
        },
        { name: `connect ${n} agents`, value: hub.connectMs, unit: 'ms', baseline: baseline.connectMs, baselineName, ...(full ? { target: '≤ 1.5×', met: hub.connectMs <= 1.5 * baseline.connectMs } : {}) },
        { name: 'commit → agents, p50', value: p(hub.latencies, 50), unit: 'ms', baseline: p(baseline.latencies, 50), baselineName: 'broadcast' },
        { name: 'commit → agents, p99', value: p99, unit: 'ms', baseline: baselineP99, baselineName: 'broadcast', target: '≤ 1.3×', met: hub.missing === 0 && p99 <= 1.3 * baselineP99 },
        { name: 'commit → agents, max', value: p(hub.latencies, 100), unit: 'ms', baseline: p(baseline.latencies, 100), baselineName: 'broadcast' },
        { name: 'GET /apps/{app}/status during the fan-out, p99', value: p(hub.duringRest, 99), unit: 'ms', baseline: p(hub.quietRest, 99), baselineName: 'the same, hub quiet' },
      ],
      notes: [
        `hub idle RSS ${hub.idleRss[0]} MiB; registering ${n} clusters over REST took ${hub.registerMs} ms, joining them ${hub.joinMs} ms (baseline join ${baseline.joinMs} ms)`,
        `registration, clusters registered by: ${growth(hub.registeredAfterMs)}`,
        `hub memory: idle ${hub.memory.idle}; ${n} clusters registered ${hub.memory.registered}; ${n} streams ${hub.memory.connected}`,
        `joins, agents joined by: ${growth(hub.joinedAfterMs)}`,
        `REST during the fan-out: ${hub.duringRest.length} reads, p50 ${p(hub.duringRest, 50)} ms (quiet: ${hub.quietRest.length} reads, p50 ${p(hub.quietRest, 50)} ms)`,
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

/**
 * The same fan-out with the agents spread over two hub replicas sharing one PostgreSQL database (half connected to
 * each): RSS per replica, and commit → every agent, the commit found by replica 0 (so half the agents hear of it
 * through the fleet event log). Baselines: a bare grpc-js server holding as many streams as one replica, and the
 * single-replica hub on PostgreSQL, both measured in the same run.
 */
export async function fanoutReplicasBench(full: boolean): Promise<BenchReport> {
  const n = full ? 10_000 : 1_000;
  const replicas = 2;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-fanout-replicas-'));
  const git = await startGitServer();
  const single = await createPostgresDatabase();
  const shared = await createPostgresDatabase();
  try {
    await git.createRepository('fleet', { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n  value: "1"\n' });
    const baseline = await baselineFanout(n / replicas);
    const one = await hubFanout(n, git, join(dir, 'one'), { replicas: 1, databaseUrl: single.url });
    const two = await hubFanout(n, git, join(dir, 'two'), { replicas, databaseUrl: shared.url });
    const p = (values: number[], q: number) => round(percentile(values, q));
    // Issue #19: per replica, the same ratios to a bare server holding one replica's share as at 10,000 on one.
    const rssTarget = n >= 10_000 ? 1.15 : 1.3;
    const bare = `bare grpc-js server, ${n / replicas} streams`;
    const measurements: BenchReport['measurements'] = two.rss.map((rss, i) => ({
      name: `replica ${i} RSS, ${n / replicas} streams`,
      value: rss,
      unit: 'MiB',
      baseline: baseline.rss,
      baselineName: bare,
      target: `≤ ${rssTarget}× and < 512 MiB`,
      met: rss <= rssTarget * baseline.rss && rss < 512,
    }));
    const twoP99 = p(two.latencies, 99);
    measurements.push(
      { name: `connect ${n} agents to ${replicas} replicas`, value: two.connectMs, unit: 'ms', baseline: baseline.connectMs, baselineName: bare, target: '≤ 1.5×', met: two.connectMs <= 1.5 * baseline.connectMs },
      { name: `connect ${n} agents to ${replicas} replicas, against 1 replica`, value: two.connectMs, unit: 'ms', baseline: one.connectMs, baselineName: '1 replica (PostgreSQL)' },
      { name: 'commit → agents, p50', value: p(two.latencies, 50), unit: 'ms', baseline: p(one.latencies, 50), baselineName: '1 replica (PostgreSQL)' },
      { name: 'commit → agents, p99', value: p(two.latencies, 99), unit: 'ms', baseline: p(one.latencies, 99), baselineName: '1 replica (PostgreSQL)' },
      { name: 'commit → agents, max', value: p(two.latencies, 100), unit: 'ms', baseline: p(one.latencies, 100), baselineName: '1 replica (PostgreSQL)' },
      {
        name: 'commit → agents, p99 against a bare broadcast',
        value: twoP99,
        unit: 'ms',
        baseline: p(baseline.latencies, 99),
        baselineName: `broadcast to ${n / replicas}`,
        target: '≤ 1.3×',
        met: two.missing === 0 && twoP99 <= 1.3 * p(baseline.latencies, 99),
      },
    );
    return {
      bench: 'fanout-replicas',
      size: `${n} agents on ${replicas} hub replicas (PostgreSQL), ${WORKERS} worker processes`,
      measurements,
      notes: [
        `1 replica on PostgreSQL: RSS ${one.rss[0]} MiB with ${n} streams; registering ${n} clusters took ${one.registerMs} ms (${replicas} replicas: ${two.registerMs} ms)`,
        `idle RSS per replica: ${two.idleRss.join(', ')} MiB`,
        ...(two.missing > 0 ? [`${two.missing} agents never received the new revision (${replicas} replicas)`] : []),
        ...(one.missing > 0 ? [`${one.missing} agents never received the new revision (1 replica)`] : []),
      ],
    };
  } finally {
    await git.stop();
    await single.drop();
    await shared.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
