import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RolloutView } from '@flotilla/api';
import type { AppClusterStatus, DriftEvent } from '@flotilla/proto';
import { KubeClient } from '@flotilla/kube';
import type { GitCheckout } from '@flotilla/testenv';
import { CliError, enumWord, type FleetView, healthOf, phaseOf, shortRevision } from '@flotilla/cli';
import type { DemoNarrator } from './demo-narrator.js';
import type { LocalFleet } from './start-local-fleet.js';

/** The app the demo deploys and the source it comes from. */
export const DEMO_APP = 'hello';
export const DEMO_SOURCE = 'fleet';

/** The file edits of one commit. */
export interface Edit {
  commitMessage: string;
  changes: ReadonlyArray<{ path: string; from: string; to: string }>;
}

/** A Deployment as the demo shows it: image, ready replicas and replicas on that image (updated). */
export interface LiveDeployment {
  image: string;
  ready: number;
  updated: number;
  replicas: number;
}

/** What the demo's steps share: the fleet, the live view of the status stream, the repository, the narrator. */
export class DemoSession {
  /** Live status-stream events are printed while this is true. */
  isPrinting = false;
  /** The apps whose live events are printed: the demo's app, or the apps a step waits for. */
  printedApps: ReadonlySet<string> = new Set([DEMO_APP]);
  readonly webhookSecret = randomBytes(16).toString('hex');
  /** Drifted objects of the demo's app as the status stream told them (GET /api/v1/drift lists only drift still there). */
  readonly driftSeen: Array<Record<string, unknown>> = [];
  private readonly kubeClients = new Map<string, KubeClient>();

  constructor(
    readonly fleet: LocalFleet,
    readonly view: FleetView,
    readonly narrator: DemoNarrator,
    readonly checkout: GitCheckout,
    readonly stepTimeoutMs: number,
    private readonly kubectlPath: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Keeps the drifted objects of a drift event of the demo's app. */
  noteDrift(event: DriftEvent): void {
    if (event.app !== DEMO_APP) return;
    for (const drifted of event.objects ?? []) {
      this.driftSeen.push({
        app: event.app,
        cluster: event.cluster,
        object: drifted.object,
        fields: drifted.diffs.map((diff) => diff.path),
        manager: drifted.manager,
        action: enumWord(drifted.action, 'DRIFT_ACTION_'),
      });
    }
  }

  /** Throws INTERRUPTED once Ctrl-C was pressed. */
  checkInterrupted(): void {
    if (this.signal?.aborted) throw new CliError('INTERRUPTED', 'interrupted');
  }

  get api() {
    return this.fleet.api;
  }

  get clusters(): string[] {
    return Object.keys(this.fleet.planes);
  }

  /** `main@sha1:<commit>`, as the hub writes revisions. */
  revisionOf(commit: string): string {
    return `main@sha1:${commit}`;
  }

  /** Edits files in the working copy, commits, pushes, and returns the new commit. */
  async commitEdit(edit: Edit): Promise<string> {
    for (const change of edit.changes) {
      const before = await readFile(join(this.checkout.dir, change.path), 'utf8');
      if (!before.includes(change.from)) throw new Error(`${change.path} does not contain "${change.from}"`);
      await this.checkout.write(change.path, before.replace(change.from, change.to));
    }
    const commit = await this.checkout.commit(edit.commitMessage);
    await this.checkout.push();
    return commit;
  }

  /** Tells the hub about a push the way a Git host does: a signed GitHub-style push webhook. */
  async deliverWebhook(commit: string): Promise<void> {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: commit });
    const signature = `sha256=${createHmac('sha256', this.webhookSecret).update(body).digest('hex')}`;
    const response = await fetch(`${this.fleet.hub.httpUrl}/api/v1/webhooks/${DEMO_SOURCE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature },
      body,
    });
    const answer = (await response.json().catch(() => ({}))) as { status?: string; revision?: string; error?: { message?: string } };
    if (!response.ok) throw new CliError('FAILED', `the hub refused the push webhook (${response.status}): ${answer.error?.message ?? ''}`);
    this.narrator.say(`webhook → hub: ${answer.status ?? 'accepted'}${answer.revision ? ` (main is now ${shortRevision(answer.revision)})` : ''}`);
  }

  /** Waits, printing live events, until `isDone` holds for the app on every cluster; throws TIMEOUT otherwise. */
  waitForApp(description: string, isDone: (status: AppClusterStatus) => boolean, timeoutMs = this.stepTimeoutMs): Promise<void> {
    return this.waitForApps(description, [DEMO_APP], this.clusters.length, isDone, timeoutMs);
  }

  /** Waits, printing their live events, until `isDone` holds for all `count` cluster statuses of `apps`; throws TIMEOUT otherwise. */
  async waitForApps(description: string, apps: readonly string[], count: number, isDone: (status: AppClusterStatus) => boolean, timeoutMs = this.stepTimeoutMs): Promise<void> {
    const printedBefore = this.printedApps;
    this.printedApps = new Set(apps);
    this.isPrinting = true;
    try {
      await this.waitUntil(description, () => {
        const rows = apps.flatMap((app) => this.view.rows({ app }));
        return rows.length === count && rows.every(isDone);
      }, timeoutMs);
    } finally {
      this.isPrinting = false;
      this.printedApps = printedBefore;
    }
  }

  /** Polls `isDone` (sync or async) every 200 ms; throws TIMEOUT naming what was waited for. */
  async waitUntil(description: string, isDone: () => boolean | Promise<boolean>, timeoutMs = this.stepTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await isDone())) {
      this.checkInterrupted();
      if (Date.now() > deadline) {
        const apps = [...this.printedApps];
        const state = apps
          .flatMap((app) => this.view.rows({ app }))
          .map((s) => `${apps.length > 1 ? `${s.app} on ` : ''}${s.cluster}: ${phaseOf(s)}/${healthOf(s)} at ${shortRevision(s.appliedRevision)}`)
          .join('; ');
        throw new CliError('TIMEOUT', `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${description}${state ? ` (${state})` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Drift items of the app on a cluster: asked with query parameters, or filtered here if the hub refuses them. */
  async listDrift(cluster: string): Promise<Array<Record<string, unknown>>> {
    const items = await this.api.listDrift({ app: DEMO_APP, cluster }).then(
      (list) => list.items,
      async (error: unknown) => {
        if (!CliError.is(error, 'HUB_ERROR')) throw error;
        return (await this.api.listDrift({})).items;
      },
    );
    return items.filter((item) => (item.app ?? DEMO_APP) === DEMO_APP && (item.cluster ?? cluster) === cluster);
  }

  /** Rollouts of the app, newest first as the hub lists them; filtered here if the hub refuses `?app=`. */
  async listRollouts(): Promise<RolloutView[]> {
    const items = await this.api.listRollouts({ app: DEMO_APP }).then(
      (list) => list.items,
      async (error: unknown) => {
        if (!CliError.is(error, 'HUB_ERROR')) throw error;
        return (await this.api.listRollouts({})).items;
      },
    );
    return items.filter((item) => item.app === DEMO_APP);
  }

  /** The API server of a cluster, as kubectl would reach it with its admin kubeconfig. */
  kube(cluster: string): KubeClient {
    let client = this.kubeClients.get(cluster);
    if (!client) {
      const plane = this.fleet.planes[cluster];
      if (!plane) throw new Error(`no cluster ${cluster}`);
      client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
      this.kubeClients.set(cluster, client);
    }
    return client;
  }

  /** A field of a live object, read from the cluster (undefined when the object is missing). */
  async readLive<T>(cluster: string, path: string, read: (object: Record<string, unknown>) => T): Promise<T | undefined> {
    try {
      return read(await this.kube(cluster).request<Record<string, unknown>>({ method: 'GET', path }));
    } catch {
      return undefined;
    }
  }

  /** The greeting ConfigMap's message on a cluster. */
  liveMessage(cluster: string): Promise<string | undefined> {
    return this.readLive(cluster, '/api/v1/namespaces/hello/configmaps/greeting', (o) => (o.data as Record<string, string> | undefined)?.message);
  }

  /** Deployment hello/web on a cluster: its image, its ready and updated replicas, as its controller reports them. */
  liveDeployment(cluster: string): Promise<LiveDeployment | undefined> {
    return this.readLive(cluster, '/apis/apps/v1/namespaces/hello/deployments/web', (o) => {
      type Deployment = { spec: { replicas?: number; template: { spec: { containers: Array<{ image: string }> } } }; status?: { readyReplicas?: number; updatedReplicas?: number } };
      const deployment = o as Deployment;
      return {
        image: deployment.spec.template.spec.containers[0]?.image ?? '?',
        ready: deployment.status?.readyReplicas ?? 0,
        updated: deployment.status?.updatedReplicas ?? 0,
        replicas: deployment.spec.replicas ?? 1,
      };
    });
  }

  /** Prints each cluster's Deployment hello/web: image and ready replicas. */
  async showDeployments(heading: string): Promise<void> {
    this.narrator.say(heading);
    for (const cluster of this.clusters) {
      const live = await this.liveDeployment(cluster);
      const text = live ? `${live.image}  ready ${live.ready}/${live.replicas}, updated ${live.updated}/${live.replicas}` : '(missing)';
      this.narrator.say(`  ${cluster.padEnd(10)} Deployment hello/web  ${text}`);
    }
    await this.narrator.pause();
  }

  /** The kubectl command that reads the same thing, for the reader to try with --keep. */
  kubectl(cluster: string, args: string): string {
    return `${this.kubectlPath} --kubeconfig ${this.fleet.planes[cluster]?.kubeconfigPath} ${args}`;
  }

  /** Runs kubectl against a cluster with these arguments, as a user would; returns the command line, quoted for a shell. */
  async runKubectl(cluster: string, args: readonly string[]): Promise<string> {
    const kubeconfig = this.fleet.planes[cluster]?.kubeconfigPath;
    if (!kubeconfig) throw new Error(`no cluster ${cluster}`);
    const argv = ['--kubeconfig', kubeconfig, ...args];
    await promisify(execFile)(this.kubectlPath, argv, { timeout: 30_000, signal: this.signal });
    return [this.kubectlPath, ...argv].map(shellQuote).join(' ');
  }

  close(): void {
    for (const client of this.kubeClients.values()) client.close();
  }
}

/** A word as a POSIX shell reads it back: unchanged when it holds nothing special, else in single quotes. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Synced and Healthy at `revision`. */
export function isSyncedAt(revision: string): (status: AppClusterStatus) => boolean {
  return (s) => s.desiredRevision === revision && s.appliedRevision === revision && s.appliedGeneration >= s.desiredGeneration && s.phase === 'PHASE_SYNCED' && s.health === 'HEALTH_HEALTHY';
}

/** Applied at `revision`, whose health then failed (timed out or degraded): a workload that does not come up. */
export function isUnhealthyAt(revision: string): (status: AppClusterStatus) => boolean {
  return (s) => s.desiredRevision === revision && s.appliedRevision === revision && s.appliedGeneration >= s.desiredGeneration && s.health === 'HEALTH_DEGRADED';
}
