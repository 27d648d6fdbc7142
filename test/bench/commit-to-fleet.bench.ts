import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKubernetesBinaries, type ControlPlane } from '@flotilla/testenv';
import { type Fleet, startFleet } from '../e2e/fleet.js';
import { type BenchReport, percentile } from './bench-report.js';
import { pushCommit, WEBHOOK_SECRET } from './push-webhook.js';
import { SyncedWatch } from './synced-watch.js';

// Commit → fleet: git push → signed webhook → every cluster Synced at the new commit (StatusService.Watch), over
// several commits on 3 real clusters. Baseline: the same commit pulled into a clone and applied with
// `kubectl apply --server-side` to the 3 clusters in sequence (timed from the same push).

const run = promisify(execFile);
const CLUSTERS = ['eu-1', 'eu-2', 'us-1'];
const OBJECTS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number): number => Math.round(value * 10) / 10;

function configMaps(version: number): Record<string, string> {
  const files: Record<string, string> = { 'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n' };
  for (let i = 0; i < OBJECTS; i++) files[`app/cm-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  version: "${version}"\n`;
  return files;
}

type StatusItem = { cluster: string; applied?: { phase?: string; revision?: string } | null };

async function allSynced(fleet: Fleet, commit: string | undefined): Promise<boolean> {
  const items = ((await fleet.api().get('/api/v1/apps/bench/status')).body.items ?? []) as StatusItem[];
  return items.length === CLUSTERS.length && items.every((item) => item.applied?.phase === 'Synced' && (commit === undefined || (item.applied.revision ?? '').endsWith(commit)));
}

/** Push → every cluster Synced, p50/p99 over several commits, against pull + kubectl apply --server-side ×3. */
export async function commitBench(full: boolean): Promise<BenchReport> {
  const commits = full ? 10 : 5;
  const { kubectl } = await ensureKubernetesBinaries();
  const fleet = await startFleet({ clusters: Object.fromEntries(CLUSTERS.map((c) => [c, { env: 'bench' }])), files: configMaps(0) });
  const work = mkdtempSync(join(tmpdir(), 'flotilla-bench-commit-'));
  let watch: SyncedWatch | undefined;
  try {
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600, webhookSecret: WEBHOOK_SECRET }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'bench', source: 'fleet', path: 'app', namespace: 'bench', targets: { selector: { matchLabels: { env: 'bench' } } } }).expect(201);
    await Promise.all(CLUSTERS.map((c) => fleet.startAgent(c)));
    for (const deadline = Date.now() + 90_000; !(await allSynced(fleet, undefined)); await sleep(250)) {
      if (Date.now() > deadline) throw new Error(`the clusters never synced the first commit: ${JSON.stringify((await fleet.api().get('/api/v1/apps/bench/status')).body)}`);
    }
    const kubeconfigs = CLUSTERS.map((c) => (fleet.planes[c] as ControlPlane).kubeconfigPath);
    for (const kubeconfig of kubeconfigs) await run(kubectl, ['--kubeconfig', kubeconfig, 'create', 'namespace', 'bench-kubectl']);
    const author = await fleet.git.checkout('fleet');
    const mirror = join(work, 'mirror');
    await run('git', ['clone', '--quiet', fleet.git.repoUrl('fleet'), mirror]);

    // The ConfigMaps only: the bench Namespace is Flotilla's.
    const configMapFiles = Array.from({ length: OBJECTS }, (_, i) => ['-f', join(mirror, 'app', `cm-${i}.yaml`)]).flat();
    watch = await SyncedWatch.open(fleet, 'bench');
    const flotilla: number[] = [];
    const recorded: number[] = [];
    const baseline: number[] = [];
    for (let i = 1; i <= commits; i++) {
      const { commit, started, pushedMs, recordedMs } = await pushCommit(fleet, author, configMaps(i), `bench: version ${i}`);
      recorded.push(recordedMs);
      const syncedAt = await watch.waitForAll(commit, CLUSTERS.length, 60_000);
      flotilla.push(Math.max(...syncedAt.values()) - started);
      if (!(await allSynced(fleet, commit))) throw new Error(`the status stream said every cluster Synced ${commit}, REST says not`);

      // Baseline: the same commit, pulled and applied by kubectl to each cluster in turn (push time included).
      const baselineStarted = performance.now();
      await run('git', ['-C', mirror, 'pull', '--quiet', '--ff-only']);
      for (const kubeconfig of kubeconfigs) {
        await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager', 'kubectl-bench', '-n', 'bench-kubectl', ...configMapFiles]);
      }
      baseline.push(pushedMs + performance.now() - baselineStarted);
    }
    const p = (values: number[], q: number) => round(percentile(values, q));
    const baselineName = 'git pull + kubectl apply --server-side ×3';
    return {
      bench: 'commit to fleet',
      size: `${commits} commits, ${CLUSTERS.length} real clusters, ${OBJECTS} objects`,
      measurements: [
        { name: 'push → all Synced, p50', value: p(flotilla, 50), unit: 'ms', baseline: p(baseline, 50), baselineName },
        { name: 'push → all Synced, p99', value: p(flotilla, 99), unit: 'ms', baseline: p(baseline, 99), baselineName, target: '< 3000 ms', met: p(flotilla, 99) < 3000 },
        { name: 'push → hub recorded the revision, p50', value: p(recorded, 50), unit: 'ms' },
      ],
      notes: ['timed from the start of `git push`; the webhook is sent as soon as the push returns; Synced is the StatusService.Watch event of each cluster\'s report (until 2026-12-07: GET /api/v1/apps/{app}/status polled every 10 ms)'],
    };
  } finally {
    watch?.close();
    await fleet.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
