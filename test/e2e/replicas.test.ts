import { randomUUID } from 'node:crypto';
import { KubeClient } from '@flotilla/kube';
import type { ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplicatedFleet, startFleet } from './fleet.js';
import { clusterStates, latestRollout, type RolloutClusterView, waitFor } from './rollout-fixtures.js';
import { deliverPushWebhook } from './support/push-webhook.js';
import { statusEventKind, type StatusWatch, watchStatus } from './support/status-watch.js';

const REPLICAS = 3;
const CLUSTERS = ['eu-1', 'eu-2', 'us-1', 'us-2', 'ap-1', 'ap-2'];
const WEBHOOK_SECRET = 'replicas-webhook-secret-of-the-fleet';

/** Each cluster gets its own namespace (the clusters share two API servers) holding a ConfigMap that names the version. */
const revision = (version: string): Record<string, string> => ({
  'web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web-${cluster.name}\n',
  'web/settings.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web-\${cluster.name}\ndata:\n  version: "${version}"\n`,
});

interface ClusterItem {
  name: string;
  connected: boolean;
  lastHeartbeatAt: string | null;
}

// Three hub replicas, each its own process, on one PostgreSQL database behind HAProxy (mode tcp for gRPC and HTTP),
// with six real agents on six simulated clusters (two real API servers). Requests go to one replica or another on
// purpose, agents and watchers sit wherever the balancer put them, and replicas are killed with SIGKILL. Every
// outcome is read where a user would see it: the clusters' own API servers, the REST API, the status stream.
describe('hub replicas on one PostgreSQL database behind a load balancer', () => {
  let fleet: ReplicatedFleet;
  const kube = new Map<string, KubeClient>();
  let version = 0;
  const commits: Record<string, string> = {};

  /** The version each cluster runs, read from its API server. */
  const versions = async (): Promise<Record<string, string | null>> =>
    Object.fromEntries(
      await Promise.all(
        CLUSTERS.map(async (cluster) => {
          const configMap = await (kube.get(cluster) as KubeClient)
            .request<{ data: { version: string } }>({ method: 'GET', path: `/api/v1/namespaces/web-${cluster}/configmaps/settings` })
            .catch(() => undefined);
          return [cluster, configMap?.data.version ?? null] as const;
        }),
      ),
    );
  const everywhere = (value: string) => Object.fromEntries(CLUSTERS.map((cluster) => [cluster, value]));
  /** Commits the next version and returns it; nothing tells the hub (a webhook or refresh does that). */
  const commitNextVersion = async (): Promise<string> => {
    version++;
    const checkout = await fleet.git.checkout('fleet');
    for (const [path, content] of Object.entries(revision(String(version)))) await checkout.write(path, content);
    commits[version] = await checkout.commit(`version ${version}`);
    await checkout.push();
    return String(version);
  };
  /** Tells replica `i` (or the balancer) of the newest commit with a signed push webhook. */
  const webhookTo = async (i: number | undefined, deliveryId = randomUUID()) =>
    deliverPushWebhook(fleet.replicas.api(i, null), { secret: WEBHOOK_SECRET, commit: commits[version] as string, deliveryId });
  /** Which replica (index) holds each cluster's agent stream, as the clusters table says; undefined when none that runs. */
  const holders = async (): Promise<Record<string, number | undefined>> => {
    const rows = await fleet.postgres.database.query<{ name: string; replica: string | null }>('SELECT name, replica FROM clusters ORDER BY name');
    return Object.fromEntries(rows.map((row) => [row.name, row.replica === null ? undefined : fleet.replicas.indexOf(row.replica)]));
  };
  /** The running replica holding the most agent streams; undefined when the table names none. */
  const busiestReplica = async (): Promise<number | undefined> => {
    const counts = new Map<number, number>();
    for (const i of Object.values(await holders())) if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  const clusters = async (i?: number): Promise<ClusterItem[]> => (await fleet.replicas.api(i).get('/api/v1/clusters').expect(200)).body.items;
  const generations = async (): Promise<Record<string, number>> => {
    const items: Array<{ cluster: string; desired: { generation: number } }> = (await fleet.api().get('/api/v1/apps/web/status').expect(200)).body.items;
    return Object.fromEntries(items.map((item) => [item.cluster, item.desired.generation]));
  };
  /** Starts again every replica a test killed, so the next test has all three. */
  const restartKilled = async () => {
    for (let i = 0; i < REPLICAS; i++) if (!fleet.replicas.isRunning(i)) await fleet.replicas.start(i);
    await expect.poll(() => fleet.replicas.balancer.backendsUp('grpc'), { timeout: 10_000 }).toEqual(Array(REPLICAS).fill(true));
  };

  beforeAll(async () => {
    fleet = await startFleet({
      hubReplicas: REPLICAS,
      clusters: Object.fromEntries(CLUSTERS.map((name) => [name, { env: 'prod', region: name.slice(0, 2) }])),
      controlPlanes: 2,
      files: revision('0'),
      // A lease not renewed for 2 s passes to another replica: a killed one's work is taken over quickly.
      hubEnv: { FLOTILLA_LEASE_TTL_MS: '2000' },
    });
    for (const cluster of CLUSTERS) kube.set(cluster, new KubeClient({ kubeConfig: (fleet.planes[cluster] as ControlPlane).kubeConfig('admin') }));
    // Round robin spreads the six agents' streams over the three replicas.
    await Promise.all(CLUSTERS.map((cluster) => fleet.startAgent(cluster)));
    await waitFor(() => clusters(), (items) => items.every((c) => c.connected), { what: 'every agent connected', timeoutMs: 60_000 });
  });
  afterAll(async () => {
    for (const client of kube.values()) client.close();
    await fleet?.stop();
  });

  it('takes REST calls and webhooks on any replica: every agent, wherever it is connected, runs the commit', async () => {
    // The source on replica 0, the app on replica 1 (for the EU clusters only), then widened to all on replica 2.
    await fleet.replicas.api(0).post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600, webhookSecret: WEBHOOK_SECRET }).expect(201);
    await fleet.replicas
      .api(1)
      .post('/api/v1/apps')
      .send({ name: 'web', source: 'fleet', path: 'web', namespace: 'default', targets: { selector: { matchLabels: { region: 'eu' } } }, policy: { drift: { mode: 'report' } } })
      .expect(201);
    await expect.poll(versions, { timeout: 30_000 }).toEqual({ 'eu-1': '0', 'eu-2': '0', 'us-1': null, 'us-2': null, 'ap-1': null, 'ap-2': null });
    await fleet.replicas.api(2).patch('/api/v1/apps/web').send({ targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(200);
    await expect.poll(versions, { timeout: 30_000 }).toEqual(everywhere('0'));

    // A push, told to replica 1 by its webhook (signed with the secret replica 0 sealed), reaches every cluster.
    const next = await commitNextVersion();
    const deliveryId = randomUUID();
    const delivered = await webhookTo(1, deliveryId);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    await expect.poll(versions, { timeout: 30_000 }).toEqual(everywhere(next));
    // The replay guard is shared: the same delivery on another replica is refused.
    expect((await webhookTo(2, deliveryId)).status).toBe(409);
    // Each replica answers the same state.
    for (let i = 0; i < REPLICAS; i++) {
      const status = await fleet.replicas.api(i).get('/api/v1/apps/web/status').expect(200);
      expect(status.body.items.map((item: { cluster: string; applied: { phase: string; revision: string } | null }) => [item.cluster, item.applied?.phase, item.applied?.revision])).toEqual(
        [...CLUSTERS].sort().map((cluster) => [cluster, 'Synced', `main@sha1:${commits[version]}`]),
      );
    }
  });

  it('streams to a watcher on one replica the events of agents connected to the others, and resumes its cursor on another replica with exactly what it missed', async () => {
    const elsewhere = Object.entries(await holders())
      .filter(([, i]) => i !== undefined && i !== 0)
      .map(([cluster]) => cluster);
    expect(elsewhere.length, 'the clusters table names the replica holding each agent, and some hold none on replica 0').toBeGreaterThan(0);
    // A watcher that stays (on replica 2) and one on replica 0, which will leave and come back on replica 1.
    const staying = watchStatus(fleet.replicas.grpcAddressOf(2), fleet.certificates, { apps: ['web'] });
    const leaving = watchStatus(fleet.replicas.grpcAddressOf(0), fleet.certificates, { apps: ['web'] });
    let resumed: StatusWatch | undefined;
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const drifted = elsewhere[0] as string;
      const editedAt = Date.now();
      await (kube.get(drifted) as KubeClient).request({
        method: 'PATCH',
        path: `/api/v1/namespaces/web-${drifted}/configmaps/settings`,
        body: { data: { version: 'edited' } },
        contentType: 'application/merge-patch+json',
        query: { fieldManager: 'kubectl-edit' },
      });
      // Drift found by an agent on another replica reaches the watcher on replica 0.
      await expect.poll(() => leaving.events.some((e) => e.receivedAt >= editedAt && e.drift?.cluster === drifted && e.drift.objects.length > 0), { timeout: 15_000 }).toBe(true);

      // A commit told to replica 1: replica 0's watcher sees every cluster's new assignment and Synced status.
      const next = await commitNextVersion();
      expect((await webhookTo(1)).status).toBe(200);
      const revisionNow = `main@sha1:${commits[version]}`;
      await expect.poll(versions, { timeout: 30_000 }).toEqual(everywhere(next));
      const seenBy = (watch: StatusWatch, revision: string) => ({
        assignments: [...new Set(watch.events.filter((e) => e.assignment?.revision === revision).map((e) => e.assignment?.cluster))].sort(),
        synced: [...new Set(watch.events.filter((e) => e.status?.appliedRevision === revision && e.status.phase === 'PHASE_SYNCED').map((e) => e.status?.cluster))].sort(),
      });
      const all = [...CLUSTERS].sort();
      await expect.poll(() => seenBy(leaving, revisionNow), { timeout: 15_000 }).toEqual({ assignments: all, synced: all });

      // It leaves; meanwhile another commit, told to replica 2.
      const cursor = leaving.lastCursor();
      leaving.close();
      const missedCommit = await commitNextVersion();
      expect((await webhookTo(2)).status).toBe(200);
      await expect.poll(versions, { timeout: 30_000 }).toEqual(everywhere(missedCommit));
      // It comes back on replica 1 with its cursor: no snapshot, just what it missed, in the order the others saw it.
      resumed = watchStatus(fleet.replicas.grpcAddressOf(1), fleet.certificates, { apps: ['web'], resumeFrom: cursor, skipSnapshot: false });
      // What the staying watcher got after that cursor, which the resumed one must get too, exactly and in order.
      const atCursor = staying.events.findIndex((e) => e.cursor === cursor);
      expect(atCursor, 'the staying watcher saw the cursor the leaving one stopped at: cursors are global').toBeGreaterThanOrEqual(0);
      const stayingEvents = () => staying.events.slice(atCursor + 1).map((e) => `${e.cursor} ${statusEventKind(e)}`);
      expect(stayingEvents().length).toBeGreaterThan(0);
      const resumedWatch = resumed;
      const resumedEvents = () => resumedWatch.events.map((e) => `${e.cursor} ${statusEventKind(e)}`);
      // Both watchers keep receiving: compared until they agree, then shown side by side if they never do.
      await expect
        .poll(() => resumedEvents().join('\n') === stayingEvents().join('\n'), { timeout: 15_000 })
        .toBe(true)
        .catch(() => expect(resumedEvents()).toEqual(stayingEvents()));
      expect(resumedWatch.events.some((e) => e.snapshotComplete || e.clusterSnapshot || e.statusSnapshot)).toBe(false);
      // And, as live events after what it missed, every cluster's assignment and Synced status of the commit it missed.
      await expect.poll(() => seenBy(resumedWatch, `main@sha1:${commits[version]}`), { timeout: 15_000 }).toEqual({ assignments: all, synced: all });
      expect(resumedWatch.error).toBeUndefined();
    } finally {
      staying.close();
      leaving.close();
      resumed?.close();
    }
  });

  it('completes a rollout from another replica when the one holding its lease is killed in the middle: no cluster skipped, none updated twice', async () => {
    // One cluster a wave, each healthy for 2 s before the next: six waves, long enough to kill in the middle.
    await fleet.replicas.api(2).patch('/api/v1/apps/web').send({ policy: { rollout: { waveSize: 1, minHealthySeconds: 2 } } }).expect(200);
    const before = await generations();
    const next = await commitNextVersion();
    const revisionNow = `main@sha1:${commits[version]}`;
    expect((await webhookTo(0)).status).toBe(200);
    await expect
      .poll(
        async () => {
          const rollout = await latestRollout(fleet, 'web');
          const states = Object.values(clusterStates(rollout));
          return rollout?.revision === revisionNow && states.filter((s) => s === 'succeeded').length >= 2 && states.filter((s) => s === 'pending').length >= 2;
        },
        { timeout: 40_000, interval: 100 },
      )
      .toBe(true);
    // The replica stepping the rollout holds its lease while it steps: look for it for a moment.
    let holder: number | undefined;
    for (const until = Date.now() + 3_000; holder === undefined && Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const [lease] = await fleet.postgres.database.query<{ holder: string }>('SELECT holder FROM leases WHERE name = $1 AND "expiresAt" > $2', ['rollout/web', Date.now()]);
      holder = lease === undefined ? undefined : fleet.replicas.indexOf(lease.holder);
    }
    const victim = holder ?? (await busiestReplica()) ?? 0;
    await fleet.replicas.kill(victim);

    const rollout = await waitFor(
      () => latestRollout(fleet, 'web').catch(() => undefined),
      (r) => r !== undefined && r.revision === revisionNow && r.state !== 'progressing',
      { what: 'the rollout to end after its replica was killed', timeoutMs: 60_000 },
    );
    expect(rollout?.state, `lease holder ${holder ?? 'none'}, killed ${victim}: ${JSON.stringify(rollout?.waves)}`).toBe('completed');
    expect(rollout?.waves.map((w) => w.clusters.map((c) => [c.cluster, c.state]))).toEqual(
      expect.arrayContaining(CLUSTERS.map((cluster) => [[cluster, 'succeeded']])),
    );
    expect(rollout?.waves).toHaveLength(CLUSTERS.length);
    const clusterRows = (rollout?.waves ?? []).map((w) => w.clusters[0] as RolloutClusterView);
    for (let i = 1; i < clusterRows.length; i++) {
      // Each wave began only once the one before had ended, across the takeover too.
      expect(Date.parse(clusterRows[i]?.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(clusterRows[i - 1]?.finishedAt as string));
    }
    // Every cluster moved to the commit exactly once: one generation more, one history entry of it, and it runs it.
    expect(await generations()).toEqual(Object.fromEntries(Object.entries(before).map(([cluster, generation]) => [cluster, generation + 1])));
    for (const cluster of CLUSTERS) {
      const history = await fleet.api().get('/api/v1/apps/web/history').query({ cluster, limit: 10 }).expect(200);
      expect(history.body.items.filter((entry: { revision: string }) => entry.revision === revisionNow), cluster).toHaveLength(1);
    }
    expect(await versions()).toEqual(everywhere(next));
    // One rollout of the commit, started once and completed once.
    const rollouts = await fleet.api().get('/api/v1/rollouts').query({ app: 'web', limit: 20 }).expect(200);
    expect(rollouts.body.items.filter((r: { revision: string }) => r.revision === revisionNow)).toHaveLength(1);
    const audit = await fleet.api().get('/api/v1/audit').query({ target: `rollout/${rollout?.id}` }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['rollout.complete', 'rollout.start']);

    await fleet.replicas.api().patch('/api/v1/apps/web').send({ policy: { rollout: { waveSize: null, minHealthySeconds: 0 } } }).expect(200);
    await restartKilled();
  }, 150_000);

  it('reconnects the agents of a killed replica through the balancer to the others, which then serve them changes', async () => {
    const victim = (await busiestReplica()) ?? 0;
    const moved = Object.entries(await holders())
      .filter(([, i]) => i === victim)
      .map(([cluster]) => cluster);
    expect(moved.length, `replica ${victim} holds agent streams`).toBeGreaterThan(0);
    await fleet.replicas.kill(victim);
    const killedAt = Date.now();

    // Every agent is back: connected, heartbeating since the kill, and held by a replica that runs.
    await expect
      .poll(async () => (await clusters()).filter((c) => !c.connected || Date.parse(c.lastHeartbeatAt ?? '0') < killedAt + 1_000).map((c) => c.name), { timeout: 30_000 })
      .toEqual([]);
    await expect.poll(async () => Object.entries(await holders()).filter(([, i]) => i === undefined || i === victim).map(([cluster]) => cluster), { timeout: 15_000 }).toEqual([]);
    for (const cluster of moved) expect(fleet.agents.get(cluster)?.connection.isConnected, cluster).toBe(true);

    // A change made after the kill reaches them (and everyone else) through the replicas they reconnected to.
    const next = await commitNextVersion();
    expect((await webhookTo(undefined)).status).toBe(200);
    await expect.poll(versions, { timeout: 30_000 }).toEqual(everywhere(next));
    await restartKilled();
  });

  it('recovers on every replica without an operator after the database was cut off under load', async () => {
    // Load: apps created through every replica, one after another on each, while the database goes away and comes back.
    const outcomes: Array<{ replica: number; name: string; sentAt: number; status: number }> = [];
    let loading = true;
    const load = Array.from({ length: REPLICAS }, async (_, replica) => {
      for (let n = 0; loading; n++) {
        const name = `load-${replica}-${n}`;
        const sentAt = Date.now();
        const status = await fleet.replicas
          .api(replica)
          .post('/api/v1/apps')
          .send({ name, source: 'fleet', path: 'web', namespace: 'default', targets: { selector: { matchLabels: { env: 'none' } } } })
          .then((res) => res.status, () => 0);
        outcomes.push({ replica, name, sentAt, status });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await fleet.postgres.proxy.cut();
    const cutAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await fleet.postgres.proxy.restore();
    const restoredAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    loading = false;
    await Promise.all(load);

    // The outage was real: each replica answered 503 to calls made while it lasted, and none of them died of it.
    for (let i = 0; i < REPLICAS; i++) {
      const duringCut = outcomes.filter((o) => o.replica === i && o.sentAt >= cutAt && o.sentAt < restoredAt).map((o) => o.status);
      expect(duringCut, `replica ${i}, calls during the outage`).toContain(503);
      expect(fleet.replicas.isRunning(i), `replica ${i} runs; its log ends with:\n${await fleet.replicas.readLogTail(i, 40)}`).toBe(true);
    }
    // Each replica answers again, by itself, and knows every app that was created.
    const created = outcomes.filter((o) => o.status === 201).map((o) => o.name);
    expect(created.length).toBeGreaterThan(0);
    for (let i = 0; i < REPLICAS; i++) {
      await expect.poll(async () => (await fleet.replicas.api(i).get('/api/v1/apps/web/status')).status, { timeout: 30_000 }).toBe(200);
      const names: string[] = (await fleet.replicas.api(i).get('/api/v1/apps').query({ limit: 500 }).expect(200)).body.items.map((app: { name: string }) => app.name);
      expect(names).toEqual(expect.arrayContaining(created));
    }
    // A commit pushed after the outage, told to one replica, reaches every agent wherever it is connected.
    const next = await commitNextVersion();
    expect((await webhookTo(2)).status).toBe(200);
    await expect.poll(versions, { timeout: 40_000 }).toEqual(everywhere(next));
    await expect.poll(async () => (await clusters()).every((c) => c.connected), { timeout: 15_000 }).toBe(true);
  }, 150_000);
});
