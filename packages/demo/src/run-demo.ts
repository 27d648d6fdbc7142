import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKubernetesBinaries, ensureKustomize, ensureKwok, type KubernetesBinaries, type KustomizeBinary, type KwokBinary } from '@flotilla/testenv';
import { CliError, clusterColumns, describeEvent, FleetView, formatDuration, formatTable, type OutputStream, type Style, watchStatus } from '@flotilla/cli';
import { showBadCommit } from './demo-bad-commit-step.js';
import { showDrift } from './demo-drift-step.js';
import { showKustomizeApp } from './demo-kustomize-step.js';
import { showCommitRollout, showFirstSync } from './demo-loop-steps.js';
import { DemoNarrator } from './demo-narrator.js';
import { DEMO_APP, DemoSession } from './demo-session.js';
import { SAMPLE_FILES } from './sample-repository.js';
import { type LocalCluster, type LocalFleet, startLocalFleet } from './start-local-fleet.js';

/** How the demo runs. */
export interface DemoOptions {
  stdout: OutputStream;
  style: Style;
  /** Pause between steps, in ms, so a reader can follow; default 1200, 0 for tests. */
  paceMs?: number;
  /** Stay up at the end, print how to explore, and stop on `signal`. */
  keep?: boolean;
  /** Preferred hub ports (a port in use falls back to a free one); default 8080 and 9090. */
  httpPort?: number;
  grpcPort?: number;
  /** Where the Kubernetes binaries are built and cached; default ~/.cache/flotilla/k8s. */
  k8sCacheDir?: string;
  /** Where KWOK is built and cached; default ~/.cache/flotilla/kwok. */
  kwokCacheDir?: string;
  /** Where kustomize is built and cached; default ~/.cache/flotilla/kustomize. */
  kustomizeCacheDir?: string;
  /** Longest wait of one step; default 120 s. */
  stepTimeoutMs?: number;
  /** Stops the demo (Ctrl-C); it then cleans up and resolves. */
  signal?: AbortSignal;
}

/** What the demo did. */
export interface DemoResult {
  durationMs: number;
  /** Which later features this hub has, and so which steps were shown. */
  features: { drift: boolean; rollouts: boolean };
  /** Set while --keep holds everything up; for tests. */
  hubUrl: string;
}

/**
 * The demo's clusters: one per environment, with labels the sample app's variables and rollout policy read. Named
 * region first, so that the hub's waves (which follow cluster names after the canary) run dev, staging, then prod.
 */
export const DEMO_CLUSTERS: readonly LocalCluster[] = [
  { name: 'eu-dev', labels: { env: 'dev', region: 'eu' } },
  { name: 'eu-staging', labels: { env: 'staging', region: 'eu' } },
  { name: 'us-prod', labels: { env: 'prod', region: 'us' } },
];

/**
 * `flotilla demo`: everything on this machine with embedded defaults (SQLite, real control planes and a Git server from
 * testenv), then the GitOps loop: first sync, a commit rolled out, drift made and corrected, a bad commit halted and
 * rolled back. Steps that need a newer hub (drift, rollouts) are shown when the hub serves their routes.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const startedAt = Date.now();
  const narrator = new DemoNarrator(options.stdout, options.style, options.paceMs ?? 1200, 8);
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-demo-'));
  let fleet: LocalFleet | undefined;
  let session: DemoSession | undefined;
  let hasFailed = false;
  const watching = new AbortController();
  let watch: Promise<void> | undefined;
  narrator.title(
    'Flotilla demo',
    'A hub, three Kubernetes clusters (real control planes, with a simulated node each) and a Git repository, all on this machine.',
  );
  try {
    const { binaries, kwok, kustomize } = await prepareBinaries(narrator, options);
    stopIfAborted(options.signal);

    await narrator.step(
      'Start the fleet',
      'A Git server holding the sample repository, three clusters and the hub on its embedded SQLite database. Each cluster is a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) with one node that KWOK plays: Pods are scheduled onto it and go Running and Ready, with no containers behind them.',
    );
    const starting = narrator.progress();
    const up: string[] = [];
    starting.update('starting the Git server, 3 control planes and the hub');
    const onStarted = (part: string): void => {
      up.push(part);
      starting.update(`started ${up.join(', ')}`);
    };
    fleet = await startLocalFleet({
      clusters: DEMO_CLUSTERS,
      dir,
      binaries,
      kwok,
      kustomize,
      httpPort: options.httpPort,
      grpcPort: options.grpcPort,
      onStarted,
    });
    starting.done(`started in ${formatDuration(starting.elapsedMs)}`);
    const repository = await fleet.git.createRepository('fleet', SAMPLE_FILES);
    narrator.say(`Git        ${repository.url}  (apps/hello: plain YAML; apps/checkout: Kustomize, an overlay per environment)`);
    for (const [name, plane] of Object.entries(fleet.planes)) narrator.say(`Kubernetes ${name.padEnd(10)} ${plane.server}  (${plane.version})`);
    narrator.say(`Hub        REST ${fleet.hub.httpUrl}   gRPC ${fleet.hub.grpcAddress}  (plaintext, on loopback only)`);
    narrator.say(`Kustomize  ${kustomize.path}  (the hub's FLOTILLA_KUSTOMIZE_PATH: it builds the Kustomize app)`);
    narrator.say(`Web UI     ${fleet.hub.httpUrl}/  (sign in with the admin token below; the whole demo shows there live)`);
    narrator.say(`Admin token ${fleet.adminToken}  (made for this demo; every REST call and the status stream send it)`);
    await narrator.pause();
    stopIfAborted(options.signal);

    await narrator.step('Register the clusters and start their agents', 'Registering a cluster gives a one-time join token. Each agent dials out to the hub over gRPC and exchanges it for its cluster\'s credential, kept in a Secret of its cluster: the hub never needs a way into a cluster. (A local demo skips TLS: the hub\'s gRPC is plaintext on loopback and the agents run with FLOTILLA_INSECURE=true.)');
    await fleet.registerAndStartAgents();
    const api = fleet.api;
    const view = new FleetView();
    const checkout = await fleet.git.checkout('fleet');
    session = new DemoSession(fleet, view, narrator, checkout, options.stepTimeoutMs ?? 120_000, binaries.kubectl, options.signal);
    const live = session;
    watch = watchStatus({
      address: fleet.hub.grpcAddress,
      token: fleet.adminToken,
      signal: watching.signal,
      onEvent: (event) => {
        view.apply(event);
        if (event.drift) live.noteDrift(event.drift);
        const line = live.isPrinting && view.isLive ? describeEvent(event, narrator.style) : undefined;
        if (line && live.printedApps.has(appOf(event) ?? '')) narrator.event(line);
      },
    });
    watch.catch(() => undefined);
    await session.waitUntil('every agent to connect', async () => (await api.listClusters({ limit: 1000 })).items.every((c) => c.connected));
    narrator.command('flotilla clusters');
    narrator.block(formatTable(clusterColumns(narrator.style), (await api.listClusters({ limit: 1000 })).items));
    await narrator.pause();
    stopIfAborted(options.signal);

    const firstRevision = await showFirstSync(session, repository.url, repository.commit);
    stopIfAborted(options.signal);
    await showKustomizeApp(session, firstRevision);
    stopIfAborted(options.signal);
    const features = { drift: await api.supports('/api/v1/drift'), rollouts: await api.supports('/api/v1/rollouts') };
    const goodRevision = await showCommitRollout(session, features.rollouts);
    stopIfAborted(options.signal);

    await showDrift(session, features.drift);
    stopIfAborted(options.signal);
    await showBadCommit(session, goodRevision, features.rollouts);

    const durationMs = Date.now() - startedAt;
    options.stdout.write(`\n${options.style.bold(options.style.green('Done'))} in ${formatDuration(durationMs)}: first sync, a Kustomize app with an overlay per environment, a release rolled out${features.rollouts ? ' in waves' : ''}, ${features.drift ? 'drift corrected, ' : ''}a broken release ${features.rollouts ? 'halted and rolled back' : 'caught and reverted'}.\n`);
    if (options.keep) {
      printExplore(options, fleet, session);
      await new Promise<void>((resolve) => (options.signal?.aborted ? resolve() : options.signal?.addEventListener('abort', () => resolve(), { once: true })));
      options.stdout.write('\nstopping…\n');
    } else {
      options.stdout.write(options.style.dim('Everything started is stopped and removed now. Run "pnpm demo --keep" to stay up and explore.\n'));
    }
    return { durationMs, features, hubUrl: fleet.hub.httpUrl };
  } catch (error) {
    if (CliError.is(error, 'INTERRUPTED')) {
      options.stdout.write('\ninterrupted; stopping everything…\n');
      throw error;
    }
    hasFailed = true;
    if (CliError.is(error) && fleet) error.message += `\nlogs of the hub and agents: ${fleet.logDir} (kept)`;
    throw error;
  } finally {
    watching.abort();
    await watch?.catch(() => undefined);
    session?.close();
    await fleet?.stop();
    // A failed demo keeps its directory: the hub's and agents' logs say what went wrong.
    if (!hasFailed) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Step 1: finds the Kubernetes binaries, KWOK and kustomize in the cache, or builds them (minutes, once, side by side) showing progress. */
async function prepareBinaries(narrator: DemoNarrator, options: DemoOptions): Promise<{ binaries: KubernetesBinaries; kwok: KwokBinary; kustomize: KustomizeBinary }> {
  await narrator.step(
    'Kubernetes binaries and kustomize',
    'Built from their Go modules once and cached in ~/.cache/flotilla: etcd and kube-apiserver (the API of each cluster), kube-controller-manager and kube-scheduler (they turn a Deployment into Pods and place them on nodes), kubectl, KWOK (it plays the kubelet of simulated nodes, so Pods go Running and Ready without containers), and kustomize, which the hub runs to build the Kustomize app of the sample repository (FLOTILLA_KUSTOMIZE_PATH). The first run builds them, Kubernetes, KWOK and kustomize side by side: a few minutes.',
  );
  const progress = narrator.progress();
  let isBuilding = false;
  const latest: Record<'kubernetes' | 'kwok' | 'kustomize', string> = { kubernetes: 'looking in the cache', kwok: 'looking in the cache', kustomize: 'looking in the cache' };
  const onProgress = (part: 'kubernetes' | 'kwok' | 'kustomize') => (chunk: string) => {
    isBuilding = true;
    const line = chunk.trim().split('\n').pop()?.trim();
    if (line) latest[part] = line;
    progress.update(`building: Kubernetes: ${latest.kubernetes} | KWOK: ${latest.kwok} | kustomize: ${latest.kustomize}`);
  };
  progress.update('looking in the cache');
  try {
    const [binaries, kwok, kustomize] = await Promise.all([
      ensureKubernetesBinaries({ cacheDir: options.k8sCacheDir, onProgress: onProgress('kubernetes') }),
      ensureKwok({ cacheDir: options.kwokCacheDir, onProgress: onProgress('kwok') }),
      ensureKustomize({ cacheDir: options.kustomizeCacheDir, onProgress: onProgress('kustomize') }),
    ]);
    progress.done(isBuilding ? `built Kubernetes ${binaries.version}, KWOK and kustomize in ${formatDuration(progress.elapsedMs)}` : `Kubernetes ${binaries.version}, KWOK and kustomize, found in the cache`);
    return { binaries, kwok, kustomize };
  } catch (error) {
    progress.fail('could not build the Kubernetes binaries, KWOK or kustomize');
    const message = error instanceof Error ? error.message : String(error);
    const tail = (error as { data?: { logTail?: string } }).data?.logTail;
    throw new CliError('FAILED', `${message}${tail ? `\n${tail}` : ''}\n(the demo needs Go 1.26 and the Go module proxy to build them; see the README)`);
  }
}

function appOf(event: { assignment?: { app: string }; status?: { app: string }; drift?: { app: string }; rollout?: { app: string } }): string | undefined {
  return event.assignment?.app ?? event.status?.app ?? event.drift?.app ?? event.rollout?.app;
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CliError('INTERRUPTED', 'interrupted');
}

function printExplore(options: DemoOptions, fleet: LocalFleet, session: DemoSession): void {
  const { style, stdout } = options;
  const [first] = Object.keys(fleet.planes);
  const agentMetrics = [...fleet.agents.entries()].map(([name, agent]) => `${name} ${agent.metricsUrl ?? '-'}`).join(', ');
  stdout.write(
    [
      '',
      style.bold('Everything stays up until Ctrl-C. Explore:'),
      `  export FLOTILLA_HUB_URL=${fleet.hub.httpUrl} FLOTILLA_HUB_GRPC_ADDRESS=${fleet.hub.grpcAddress} FLOTILLA_API_TOKEN=${fleet.adminToken}`,
      '  pnpm flotilla clusters',
      `  pnpm flotilla status ${DEMO_APP} --watch          ${style.dim('# then, in another terminal, edit or push')}`,
      `  pnpm flotilla apps history ${DEMO_APP}`,
      '  pnpm flotilla apps manifests checkout-prod --cluster us-prod -o yaml',
      `  ${session.kubectl(first as string, '-n hello get configmap greeting -o yaml')}`,
      `  git clone ${fleet.git.repoUrl('fleet')}   ${style.dim('# push to it, then: pnpm flotilla sources refresh fleet')}`,
      '',
      `  REST API and OpenAPI  ${fleet.hub.httpUrl}/api/docs`,
      `  Admin API token       ${fleet.adminToken}   ${style.dim('# sent as "Authorization: Bearer"; made for this demo')}`,
      `  Hub metrics           ${fleet.hub.httpUrl}/metrics`,
      `  Agent metrics         ${agentMetrics}`,
      `  Logs                  ${fleet.logDir}`,
      '',
    ].join('\n'),
  );
}
