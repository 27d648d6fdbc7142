import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Agent, parseAgentConfig, startAgent } from '@flotilla/agent';
import { type Hub, type HubConfig, parseHubConfig, startHub } from '@flotilla/hub';
import {
  type ControlPlane,
  createPostgresDatabase,
  createTestCertificates,
  findFreePorts,
  type GitServer,
  type PostgresDatabase,
  proxyDatabaseUrl,
  startControlPlanes,
  startGitServer,
  type TcpProxy,
  type TestCertificates,
} from '@flotilla/testenv';
import { pino } from 'pino';
import { apiClient, FLEET_ADMIN_TOKEN, type FleetApi } from './support/api-client.js';
import { type HubReplicas, startHubReplicas } from './support/hub-replicas.js';

export { FLEET_ADMIN_TOKEN, type FleetApi };

/** The hub's database in a test fleet. */
export type FleetDatabase = 'sqlite' | 'postgres';

/** Both databases, for suites that run once on each (`describe.each(FLEET_DATABASES)`). */
export const FLEET_DATABASES: readonly FleetDatabase[] = ['sqlite', 'postgres'];

/** Options of a test fleet. */
export interface FleetOptions {
  /** Cluster names and labels; one control plane each, unless `controlPlanes` says fewer. */
  clusters: Record<string, Record<string, string>>;
  /**
   * Simulated clusters: this many control planes shared by all clusters (cluster i on plane i mod n), each agent keeping
   * its state in its own namespace `flotilla-<cluster>`. Default: one control plane per cluster.
   */
  controlPlanes?: number;
  /** Files of the `fleet` repository's first commit. */
  files: Record<string, string>;
  /**
   * The hub's database: a SQLite file in its data directory (the default), or a fresh PostgreSQL database on the
   * machine's server (dropped when the fleet stops), which the hub reaches through a TCP proxy the test can cut
   * (`fleet.postgres.proxy`). `hubReplicas` implies PostgreSQL.
   */
  database?: FleetDatabase;
  /**
   * Runs this many hub replicas instead of one hub in this process: each a child process (so kill -9 is real) on its
   * own ports, all on one PostgreSQL database with the same secret key, admin token and TLS certificates, behind
   * HAProxy (`fleet.replicas`). Agents connect through the balancer, `fleet.api()` calls it.
   */
  hubReplicas?: number;
  /** Extra hub settings (FLOTILLA_…), for every replica. */
  hubEnv?: Record<string, string>;
  /** Extra agent settings (FLOTILLA_…), for every agent. */
  agentEnv?: Record<string, string>;
  /** Starts the Git server (default: startGitServer in this process); the fleet stops it. */
  startGitServer?: () => Promise<GitServer>;
  /** Agents must present a client certificate (signed by the fleet's CA) to the hub. */
  mutualTls?: boolean;
  /**
   * The clusters run workloads: controllers, a scheduler and KWOK's simulated Nodes (testenv's `workloads`), so
   * Deployments really roll out and their health is real. Costs about 240 MiB and 2-4 s per plane; default false.
   */
  workloads?: boolean;
}

/** The fleet's PostgreSQL database and the proxy every hub (replica) reaches it through. */
export interface FleetPostgres {
  database: PostgresDatabase;
  /** `cut()` is a database outage for every replica at once; `restore()` ends it. */
  proxy: TcpProxy;
  /** The database's URL through the proxy, as the hub has it. */
  url: string;
}

/** What every test fleet has, with one hub or with replicas: a Git server, real clusters with their agents, a hub API. */
export interface FleetBase {
  git: GitServer;
  /** The control plane of each cluster (clusters share them when `controlPlanes` was given). */
  planes: Record<string, ControlPlane>;
  /** The CA, hub (server) and agent (client) certificates: the agent stream runs over TLS. */
  certificates: TestCertificates;
  /** The hub's configuration (the one replicas share), e.g. to run it in a child process on the same database and ports. */
  hubConfig: HubConfig;
  /** The PostgreSQL database, when the fleet runs on one. */
  postgres: FleetPostgres | undefined;
  /** Where agents and watchers reach the hub's gRPC services: the hub, or the replicas' balancer. */
  grpcAddress: string;
  /** Base URL of the hub's REST API: the hub, or the replicas' balancer. */
  httpUrl: string;
  /** Join tokens by cluster (each agent exchanges its own for a credential on first start). */
  tokens: Record<string, string>;
  agents: Map<string, Agent>;
  /** A supertest client of the hub's REST API with the admin token, or with the given token (`null`: none). */
  api(token?: string | null): FleetApi;
  /** The settings (FLOTILLA_…) startAgent gives a cluster's agent, e.g. to run it in another process. */
  agentEnv(cluster: string): Record<string, string | undefined>;
  startAgent(cluster: string): Promise<Agent>;
  stopAgent(cluster: string): Promise<void>;
  stop(): Promise<void>;
}

/** A fleet with one hub in this process. */
export interface Fleet extends FleetBase {
  hub: Hub;
  stopHub(): Promise<void>;
  /** Starts the hub again on the same database and ports. */
  startHub(): Promise<void>;
}

/** A fleet whose hub runs as replicas on PostgreSQL behind HAProxy. */
export interface ReplicatedFleet extends FleetBase {
  replicas: HubReplicas;
  postgres: FleetPostgres;
}

const logLevel = process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent';

/**
 * Starts a fleet: Git server with a `fleet` repository, one control plane per cluster (or `controlPlanes`), a hub on
 * SQLite or PostgreSQL (or `hubReplicas` replicas on PostgreSQL behind a load balancer), and the clusters registered.
 * Agents start with `fleet.startAgent`.
 */
export function startFleet(options: FleetOptions & { hubReplicas: number }): Promise<ReplicatedFleet>;
export function startFleet(options: FleetOptions & { hubReplicas?: undefined }): Promise<Fleet>;
export async function startFleet(options: FleetOptions): Promise<Fleet | ReplicatedFleet> {
  const replicaCount = options.hubReplicas;
  const database = options.database ?? (replicaCount === undefined ? 'sqlite' : 'postgres');
  if (replicaCount !== undefined && database !== 'postgres') throw new Error('hub replicas share a PostgreSQL database: leave `database` unset or say postgres');
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
  const names = Object.keys(options.clusters);
  const isSimulated = options.controlPlanes !== undefined;
  const [git, planeList, certificates, postgres] = await Promise.all([
    (options.startGitServer ?? startGitServer)(),
    startControlPlanes(options.controlPlanes ?? names.length, { workloads: options.workloads }),
    createTestCertificates(),
    database === 'postgres' ? startPostgres() : undefined,
  ]);
  // Picked once the control planes have bound theirs, so that none of their servers can take the hub's meanwhile.
  const [httpPort, grpcPort] = (await findFreePorts(2)) as [number, number];
  await git.createRepository('fleet', options.files);
  const planes = Object.fromEntries(names.map((name, i) => [name, planeList[i % planeList.length] as ControlPlane]));
  const hubConfig = parseHubConfig({
    env: {
      FLOTILLA_DATA_DIR: join(dir, 'hub'),
      FLOTILLA_HTTP_HOST: '127.0.0.1',
      FLOTILLA_GRPC_HOST: '127.0.0.1',
      FLOTILLA_HTTP_PORT: String(httpPort),
      FLOTILLA_GRPC_PORT: String(grpcPort),
      FLOTILLA_LOG_LEVEL: logLevel,
      FLOTILLA_POLL_TICK_MS: '200',
      FLOTILLA_HEARTBEAT_INTERVAL_MS: '1000',
      FLOTILLA_HEARTBEAT_TIMEOUT_MS: '5000',
      FLOTILLA_ADMIN_TOKEN: FLEET_ADMIN_TOKEN,
      // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
      FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
      FLOTILLA_GRPC_TLS_CERT: certificates.server.certPath,
      FLOTILLA_GRPC_TLS_KEY: certificates.server.keyPath,
      ...(options.mutualTls ? { FLOTILLA_GRPC_TLS_CLIENT_CA: certificates.ca.certPath } : {}),
      // Replicas must open each other's sealed secrets: one key for all, not one generated into each data directory.
      ...(postgres ? { FLOTILLA_DATABASE_URL: postgres.url, FLOTILLA_SECRET_KEY: randomBytes(32).toString('hex') } : {}),
      ...options.hubEnv,
    },
  });
  // One hub in this process (which a test may stop and start again on the same ports and database), or replicas.
  let hub: Hub | undefined;
  let lastHub: Hub | undefined;
  let replicas: HubReplicas | undefined;
  if (replicaCount === undefined) lastHub = hub = await startHub(hubConfig);
  else replicas = await startHubReplicas({ count: replicaCount, config: hubConfig });
  const grpcAddress = replicas?.grpcAddress ?? `127.0.0.1:${grpcPort}`;
  const httpUrl = replicas?.httpUrl ?? `http://127.0.0.1:${httpPort}`;
  const fleet = {
    git,
    planes,
    certificates,
    hubConfig,
    postgres,
    grpcAddress,
    httpUrl,
    replicas,
    tokens: {} as Record<string, string>,
    agents: new Map<string, Agent>(),
    get hub(): Hub {
      if (lastHub === undefined) throw new Error('this fleet runs hub replicas: see fleet.replicas');
      return lastHub;
    },
    api: (token?: string | null) => apiClient(httpUrl, token),
    agentEnv: (cluster: string) => ({
      FLOTILLA_HUB_ADDRESS: grpcAddress,
      FLOTILLA_TOKEN: fleet.tokens[cluster],
      FLOTILLA_CLUSTER: cluster,
      FLOTILLA_DATA_DIR: join(dir, 'agents', cluster),
      FLOTILLA_RESYNC_INTERVAL_MS: '600000',
      FLOTILLA_METRICS_PORT: '0',
      FLOTILLA_LOG_LEVEL: logLevel,
      FLOTILLA_HUB_CA_FILE: certificates.ca.certPath,
      // Agents sharing an API server must not share their inventories, stored assignments and credential.
      ...(isSimulated ? { FLOTILLA_STATE_NAMESPACE: `flotilla-${cluster}` } : {}),
      ...(options.mutualTls ? { FLOTILLA_TLS_CERT_FILE: certificates.client.certPath, FLOTILLA_TLS_KEY_FILE: certificates.client.keyPath } : {}),
      ...options.agentEnv,
    }),
    async startAgent(cluster: string) {
      const config = parseAgentConfig({ env: fleet.agentEnv(cluster) });
      const agent = await startAgent(config, {
        kubeConfig: (planes[cluster] as ControlPlane).kubeConfig('admin'),
        logger: pino({ level: logLevel, base: { cluster } }),
        retryDelayMs: 500,
      });
      fleet.agents.set(cluster, agent);
      return agent;
    },
    async stopAgent(cluster: string) {
      await fleet.agents.get(cluster)?.stop();
      fleet.agents.delete(cluster);
    },
    async stopHub() {
      await hub?.close();
      hub = undefined;
    },
    async startHub() {
      if (replicas) throw new Error('this fleet runs hub replicas: see fleet.replicas.start(i)');
      lastHub = hub = await startHub(hubConfig);
    },
    async stop() {
      for (const cluster of [...fleet.agents.keys()]) await fleet.stopAgent(cluster).catch(() => undefined);
      await hub?.close().catch(() => undefined);
      await replicas?.stop().catch(() => undefined);
      await Promise.all(planeList.map((plane) => plane.stop()));
      await git.stop();
      await certificates.remove();
      await postgres?.proxy.stop();
      await postgres?.database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const [name, labels] of Object.entries(options.clusters)) {
    const res = await fleet.api().post('/api/v1/clusters').send({ name, labels }).expect(201);
    fleet.tokens[name] = res.body.joinToken;
  }
  // The overloads tell the caller which of the two it has.
  return fleet as Fleet | ReplicatedFleet;
}

/** A fresh database behind a TCP proxy the test controls. */
async function startPostgres(): Promise<FleetPostgres> {
  const database = await createPostgresDatabase();
  const { proxy, url } = await proxyDatabaseUrl(database.url);
  return { database, proxy, url };
}

/** The status of an app on one cluster, from the REST API. */
export async function appStatusOn(fleet: FleetBase, app: string, cluster: string): Promise<Record<string, unknown> | undefined> {
  const res = await fleet.api().get(`/api/v1/apps/${app}/status`);
  return (res.body.items as Array<Record<string, unknown>> | undefined)?.find((item) => item.cluster === cluster);
}
