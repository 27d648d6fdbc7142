import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHubConfig } from '@flotilla/hub';
import { createPostgresDatabase, type GitCheckout, startGitServer } from '@flotilla/testenv';
import { FLEET_ADMIN_TOKEN } from '../e2e/support/api-client.js';
import { startHubReplicas } from '../e2e/support/hub-replicas.js';
import { type BenchReport, percentile } from './bench-report.js';
import { imageNodeFlags } from './image-node-flags.js';
import { collect, connectAll, rearm, type SimulatedAgent, stopAll } from './simulated-agents.js';

// Cross-replica push: two hub replicas (built hub, the image's Node.js flags, plaintext gRPC) on one PostgreSQL
// database; simulated agents (fanout-worker.mjs) connected straight to replica A and to replica B, the same number on
// each. Each change is a commit refreshed through replica A's REST API; every agent's time until it receives the
// Assignment of the new revision is taken. Agents on A are the baseline (change and agent on one replica, in the same
// run, for the same change); agents on B pay the trip through the database's fleet event log.

const round = (value: number): number => Math.round(value * 10) / 10;
const configMap = (value: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n  value: "${value}"\n`;
/** How long one change may take to reach every agent before it counts as missing. */
const CHANGE_TIMEOUT_MS = 10_000;

/** Agent on B, change on A, against agent and change on A: p50/p99 of commit refresh → Assignment over many changes. */
export async function replicasBench(full: boolean): Promise<BenchReport> {
  const changes = full ? 200 : 50;
  const agentsPerReplica = full ? 50 : 2;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-replicas-'));
  const [git, database] = await Promise.all([startGitServer(), createPostgresDatabase()]);
  const workers: ChildProcess[] = [];
  let replicas: Awaited<ReturnType<typeof startHubReplicas>> | undefined;
  try {
    await git.createRepository('fleet', { 'app/cm.yaml': configMap(0) });
    const config = parseHubConfig({
      env: {
        FLOTILLA_DATA_DIR: join(dir, 'hub'),
        FLOTILLA_DATABASE_URL: database.url,
        FLOTILLA_SECRET_KEY: randomBytes(32).toString('hex'),
        FLOTILLA_ADMIN_TOKEN: FLEET_ADMIN_TOKEN,
        FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'warn',
        // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
        FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
        FLOTILLA_JOIN_RATE_LIMIT: '100000',
        FLOTILLA_HEARTBEAT_INTERVAL_MS: '60000',
        FLOTILLA_HEARTBEAT_TIMEOUT_MS: '600000',
        FLOTILLA_POLL_TICK_MS: '60000',
      },
    });
    replicas = await startHubReplicas({ count: 2, config, process: { entry: 'dist', nodeArgs: imageNodeFlags('hub') } });
    const [a, b] = [replicas.api(0), replicas.api(1)];
    const register = async (side: string): Promise<SimulatedAgent[]> => {
      const agents: SimulatedAgent[] = [];
      for (let i = 0; i < agentsPerReplica; i++) {
        const cluster = `${side}-${String(i).padStart(3, '0')}`;
        // Registered through the other replica than the one the agent will use, which must not matter.
        const res = await (side === 'on-a' ? b : a).post('/api/v1/clusters').send({ name: cluster, labels: { fleet: 'bench' } }).expect(201);
        agents.push({ cluster, joinToken: res.body.joinToken as string });
      }
      return agents;
    };
    const [onA, onB] = [await register('on-a'), await register('on-b')];
    await a.post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await a.post('/api/v1/apps').send({ name: 'bench', source: 'fleet', path: 'app', namespace: 'bench', targets: { selector: { matchLabels: { fleet: 'bench' } } } }).expect(201);
    const sameSide = await connectAll(replicas.grpcAddressOf(0), onA, 1);
    workers.push(...sameSide.workers);
    const otherSide = await connectAll(replicas.grpcAddressOf(1), onB, 1);
    workers.push(...otherSide.workers);

    const checkout: GitCheckout = await git.checkout('fleet');
    const same: number[] = [];
    const cross: number[] = [];
    let missingSame = 0;
    let missingCross = 0;
    const refreshMs: number[] = [];
    let made = 0;
    for (let change = 1; change <= changes; change++) {
      made = change;
      await checkout.write('app/cm.yaml', configMap(change));
      await checkout.commit(`bench: change ${change}`);
      await checkout.push();
      await rearm(workers);
      const startedAt = Date.now();
      const refresh = await a.post('/api/v1/sources/fleet/refresh').expect(200);
      refreshMs.push(Date.now() - startedAt);
      if (refresh.body.changed !== true) throw new Error(`change ${change}: the refresh did not see the new commit: ${JSON.stringify(refresh.body)}`);
      const [onSame, onOther] = await Promise.all([
        collect(sameSide.workers, onA.length, startedAt, CHANGE_TIMEOUT_MS, 20),
        collect(otherSide.workers, onB.length, startedAt, CHANGE_TIMEOUT_MS, 20),
      ]);
      same.push(...onSame.latencies);
      cross.push(...onOther.latencies);
      missingSame += onSame.missing;
      missingCross += onOther.missing;
      // A hub whose replicas do not share their events never pushes across: say so rather than wait for every change.
      if (change === 3 && cross.length === 0) break;
    }
    const p = (values: number[], q: number) => round(percentile(values, q));
    const baselineName = 'agent on A too';
    return {
      bench: 'replicas',
      size: `2 replicas on PostgreSQL, ${agentsPerReplica} agents on each, ${made} changes`,
      measurements: [
        { name: 'change on A → agent on B, p50', value: p(cross, 50), unit: 'ms', baseline: p(same, 50), baselineName },
        { name: 'change on A → agent on B, p99', value: p(cross, 99), unit: 'ms', baseline: p(same, 99), baselineName },
        { name: 'change on A → agent on B, max', value: p(cross, 100), unit: 'ms', baseline: p(same, 100), baselineName },
      ],
      notes: [
        `extra latency of the cross-replica push: p50 ${round(p(cross, 50) - p(same, 50))} ms, p99 ${round(p(cross, 99) - p(same, 99))} ms`,
        `the refresh call on A answered after p50 ${p(refreshMs, 50)} ms (latencies count from its start); joins ${sameSide.joinMs + otherSide.joinMs} ms`,
        ...(missingCross > 0 ? [`${missingCross} Assignments never reached the agents on B within ${CHANGE_TIMEOUT_MS} ms${cross.length === 0 ? ' (stopped after 3 changes: nothing crosses replicas)' : ''}`] : []),
        ...(missingSame > 0 ? [`${missingSame} Assignments never reached the agents on A within ${CHANGE_TIMEOUT_MS} ms`] : []),
      ],
    };
  } finally {
    stopAll(workers);
    await replicas?.stop();
    await git.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
