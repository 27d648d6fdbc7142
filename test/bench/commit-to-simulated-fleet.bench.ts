import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureKubernetesBinaries, type ControlPlane } from '@flotilla/testenv';
import { type Fleet, startFleet } from '../e2e/fleet.js';
import { type BenchReport, percentile } from './bench-report.js';
import { pushCommit, WEBHOOK_SECRET } from './push-webhook.js';
import { startGitServerProcess } from './git-server-process.js';
import { SyncedWatch } from './synced-watch.js';

// Commit → simulated fleet: git push → signed webhook → every one of N clusters Synced at the new commit, with N real
// agents (in 2 worker processes, off the hub's) on simulated clusters: 2 real API servers shared by all, each cluster an
// own namespace for the App (templated with ${cluster.name}) and an own state namespace for its agent. Baseline: the same commit pulled
// into a clone, rendered for each cluster and applied with `kubectl apply --server-side`, one cluster after another.

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const CONTROL_PLANES = 2;
/** Processes the agents run in besides the hub's (simulated-agents-worker.mjs); 0: all in the benchmark's process. */
const AGENT_PROCESSES: number = 2;
const OBJECTS = 10;
/** The App's namespace on each simulated cluster; the hub substitutes `${cluster.name}` in every assignment. */
const APP_NAMESPACE = 'bench-${cluster.name}';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number): number => Math.round(value * 10) / 10;

function configMaps(version: number): Record<string, string> {
  const files: Record<string, string> = { 'app/namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${APP_NAMESPACE}\n` };
  for (let i = 0; i < OBJECTS; i++) {
    files[`app/cm-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${APP_NAMESPACE}\ndata:\n  version: "${version}"\n`;
  }
  return files;
}

type StatusItem = { cluster: string; applied?: { phase?: string; revision?: string; durationMs?: number; errors?: Array<{ code?: string; message?: string }> } | null };

async function appStatus(fleet: Fleet): Promise<StatusItem[]> {
  return ((await fleet.api().get('/api/v1/apps/bench/status')).body.items ?? []) as StatusItem[];
}

const isSyncedAt = (item: StatusItem, commit: string | undefined): boolean =>
  item.applied?.phase === 'Synced' && (commit === undefined || (item.applied.revision ?? '').endsWith(commit));

/** `kubectl apply --server-side -f -` of some YAML on stdin. */
function kubectlApply(kubectl: string, kubeconfig: string, yaml: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager', 'kubectl-bench', '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply exited with ${code}: ${stderr}`))));
    child.stdin.end(yaml);
  });
}

/** API requests served by these API servers so far, by `VERB[ dry-run] resource[/subresource]` (apiserver_request_total; non-resource URLs such as /metrics left out). */
async function apiRequests(kubectl: string, kubeconfigs: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const kubeconfig of kubeconfigs) {
    const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], { maxBuffer: 64 * 1024 * 1024 });
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (!labels.resource) continue;
      const key = `${labels.verb}${labels.dry_run ? ' dry-run' : ''} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return counts;
}

/** What was served between two apiRequests() readings: a count per key, and the sum. */
function requestsBetween(before: Map<string, number>, after: Map<string, number>): { byKind: Map<string, number>; total: number } {
  const byKind = new Map<string, number>();
  for (const [key, count] of after) if (count > (before.get(key) ?? 0)) byKind.set(key, count - (before.get(key) ?? 0));
  return { byKind, total: [...byKind.values()].reduce((sum, n) => sum + n, 0) };
}

/** Reads apiRequests() until two readings 500 ms apart agree (at most 15 s): the agents' work after their Synced report is done. */
async function settledRequests(kubectl: string, kubeconfigs: readonly string[]): Promise<Map<string, number>> {
  let last = await apiRequests(kubectl, kubeconfigs);
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    await sleep(500);
    const next = await apiRequests(kubectl, kubeconfigs);
    if (requestsBetween(last, next).total === 0) return next;
    last = next;
  }
  return last;
}

/** Starts every agent: in this process, or spread over AGENT_PROCESSES workers. */
async function startAgents(fleet: Fleet, clusters: string[]): Promise<ChildProcess[]> {
  if (AGENT_PROCESSES === 0) {
    await Promise.all(clusters.map((c) => fleet.startAgent(c)));
    return [];
  }
  const workers = Array.from({ length: AGENT_PROCESSES }, () => fork(join(here, 'simulated-agents-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  await Promise.all(
    workers.map(
      (worker, i) =>
        new Promise<void>((resolve, reject) => {
          worker.once('message', (reply: { type: string; message?: string }) => (reply.type === 'started' ? resolve() : reject(new Error(`agent worker: ${reply.message}`))));
          const agents = clusters
            .filter((_, j) => j % AGENT_PROCESSES === i)
            .map((cluster) => ({ cluster, env: { ...fleet.agentEnv(cluster), FLOTILLA_KUBECONFIG: (fleet.planes[cluster] as ControlPlane).kubeconfigPath } }));
          worker.send({ type: 'start', agents });
        }),
    ),
  );
  return workers;
}

/** Stops the agent workers (the agents of this process stop with the fleet). */
async function stopAgents(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.exitCode !== null) return resolve();
          worker.once('exit', () => resolve());
          worker.send({ type: 'stop' });
        }),
    ),
  );
}

/** Push → every simulated cluster Synced, p50/p99 over several commits, against pull + render + kubectl apply per cluster. */
export async function simulatedCommitBench(full: boolean): Promise<BenchReport> {
  const clusterCount = full ? 100 : 20;
  const commits = full ? 10 : 3;
  const clusters = Array.from({ length: clusterCount }, (_, i) => `sim-${String(i + 1).padStart(3, '0')}`);
  const { kubectl } = await ensureKubernetesBinaries();
  const fleet = await startFleet({
    clusters: Object.fromEntries(clusters.map((c) => [c, { env: 'bench' }])),
    controlPlanes: CONTROL_PLANES,
    files: configMaps(0),
    startGitServer: startGitServerProcess,
    // Every agent joins from 127.0.0.1; heartbeats as the hub's defaults, not the tests' 1 s.
    hubEnv: { FLOTILLA_JOIN_RATE_LIMIT: '100000', FLOTILLA_HEARTBEAT_INTERVAL_MS: '10000', FLOTILLA_HEARTBEAT_TIMEOUT_MS: '30000' },
  });
  const work = mkdtempSync(join(tmpdir(), 'flotilla-bench-commit-sim-'));
  let workers: ChildProcess[] = [];
  let watch: SyncedWatch | undefined;
  try {
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600, webhookSecret: WEBHOOK_SECRET }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'bench', source: 'fleet', path: 'app', namespace: 'default', targets: { selector: { matchLabels: { env: 'bench' } } } }).expect(201);
    const startingAgents = performance.now();
    workers = await startAgents(fleet, clusters);
    for (const deadline = Date.now() + 300_000; ; await sleep(250)) {
      const items = await appStatus(fleet);
      if (items.length === clusterCount && items.every((item) => isSyncedAt(item, undefined))) break;
      if (Date.now() > deadline) {
        const behind = items.filter((item) => !isSyncedAt(item, undefined)).map((item) => `${item.cluster}: ${item.applied ? `${item.applied.phase} ${JSON.stringify(item.applied.errors?.[0] ?? '')}` : 'no report'}`);
        throw new Error(`${behind.length} of ${clusterCount} clusters never synced the first commit: ${behind.slice(0, 5).join('; ')}`);
      }
    }
    const firstSyncMs = performance.now() - startingAgents;

    // The baseline applies into namespaces of its own, one per simulated cluster.
    const kubeconfigOf = (cluster: string) => (fleet.planes[cluster] as ControlPlane).kubeconfigPath;
    const baselineNamespace = (cluster: string) => `kubectl-${cluster}`;
    for (const plane of new Set(clusters.map(kubeconfigOf))) {
      const namespaces = clusters.filter((c) => kubeconfigOf(c) === plane).map((c) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${baselineNamespace(c)}\n`);
      await kubectlApply(kubectl, plane, namespaces.join('---\n'));
    }
    const author = await fleet.git.checkout('fleet');
    const mirror = join(work, 'mirror');
    await run('git', ['clone', '--quiet', fleet.git.repoUrl('fleet'), mirror]);

    watch = await SyncedWatch.open(fleet, 'bench');
    const allSynced: number[] = [];
    const firstSynced: number[] = [];
    const recorded: number[] = [];
    const reconcileDurations: number[] = [];
    const baseline: number[] = [];
    const planes = [...new Set(clusters.map(kubeconfigOf))];
    const agentRequests = new Map<string, number>();
    let agentRequestTotal = 0;
    let baselineRequestTotal = 0;
    for (let i = 1; i <= commits; i++) {
      const beforeCommit = await apiRequests(kubectl, planes);
      const { commit, started, pushedMs, recordedMs } = await pushCommit(fleet, author, configMaps(i), `bench: version ${i}`);
      recorded.push(recordedMs);

      const syncedAt = [...(await watch.waitForAll(commit, clusterCount, 120_000)).values()].map((at) => at - started);
      allSynced.push(Math.max(...syncedAt));
      firstSynced.push(Math.min(...syncedAt));
      // The REST view agrees, and gives each agent's reconcile time.
      const items = await appStatus(fleet);
      const behind = items.filter((item) => !isSyncedAt(item, commit));
      if (behind.length > 0) throw new Error(`the status stream said every cluster Synced ${commit}, REST says not ${behind.map((item) => item.cluster).join(', ')}`);
      reconcileDurations.push(...items.map((item) => item.applied?.durationMs ?? Number.NaN));

      // Every request of the commit's reconciles (health waits and state writes after the Synced report too), before the baseline starts.
      const afterCommit = await settledRequests(kubectl, planes);
      const served = requestsBetween(beforeCommit, afterCommit);
      for (const [key, count] of served.byKind) agentRequests.set(key, (agentRequests.get(key) ?? 0) + count);
      agentRequestTotal += served.total;

      // Baseline: the same commit, pulled, rendered for each cluster (its namespace) and applied by kubectl, in turn.
      const baselineStarted = performance.now();
      await run('git', ['-C', mirror, 'pull', '--quiet', '--ff-only']);
      const template = Array.from({ length: OBJECTS }, (_, n) => readFileSync(join(mirror, 'app', `cm-${n}.yaml`), 'utf8')).join('---\n');
      for (const cluster of clusters) await kubectlApply(kubectl, kubeconfigOf(cluster), template.replaceAll(APP_NAMESPACE, baselineNamespace(cluster)));
      baseline.push(pushedMs + performance.now() - baselineStarted);
      baselineRequestTotal += requestsBetween(afterCommit, await apiRequests(kubectl, planes)).total;
    }
    const perClusterCommit = (n: number) => round(n / (clusterCount * commits));
    const p = (values: number[], q: number) => round(percentile(values, q));
    const baselineName = `git pull + kubectl apply --server-side ×${clusterCount}`;
    return {
      bench: 'commit to simulated fleet',
      size: `${commits} commits, ${clusterCount} simulated clusters on ${CONTROL_PLANES} API servers, ${OBJECTS} objects`,
      measurements: [
        { name: 'push → all Synced, p50', value: p(allSynced, 50), unit: 'ms', baseline: p(baseline, 50), baselineName },
        { name: 'push → all Synced, p99', value: p(allSynced, 99), unit: 'ms', baseline: p(baseline, 99), baselineName },
        { name: 'push → first cluster Synced, p50', value: p(firstSynced, 50), unit: 'ms' },
        { name: 'push → hub recorded the revision, p50', value: p(recorded, 50), unit: 'ms' },
        { name: 'one reconcile (fetch, render, dry-run, apply), p50', value: p(reconcileDurations, 50), unit: 'ms' },
        { name: 'one reconcile, p99', value: p(reconcileDurations, 99), unit: 'ms' },
        { name: 'API requests per cluster and commit', value: perClusterCommit(agentRequestTotal), unit: 'count', baseline: perClusterCommit(baselineRequestTotal), baselineName: 'kubectl apply --server-side' },
      ],
      notes: [
        `${clusterCount} agents ${AGENT_PROCESSES === 0 ? "in the benchmark's process with the hub" : `in ${AGENT_PROCESSES} worker processes`}; all joined and synced the first commit in ${Math.round(firstSyncMs)} ms`,
        `the agents' API requests per cluster and commit, by kind: ${[...agentRequests]
          .sort((a, b) => b[1] - a[1])
          .map(([key, count]) => `${key} ${perClusterCommit(count)}`)
          .join(', ')}; counted from the API servers' apiserver_request_total, until it stops moving after the commit (so the baseline starts on idle API servers)`,
        'timed from the start of `git push` to the StatusService.Watch event of the cluster\'s Synced report at the commit (the stream a monitoring system follows; until 2026-12-07 this bench polled GET /api/v1/apps/{app}/status every 10 ms, which at 100 clusters kept the hub busy serving the bench); a reconcile is as long as its agent reported (durationMs)',
      ],
    };
  } finally {
    watch?.close();
    await stopAgents(workers);
    await fleet.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
