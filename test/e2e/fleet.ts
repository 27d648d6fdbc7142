import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Agent, parseAgentConfig, startAgent } from '@flotilla/agent';
import { type Hub, type HubConfig, parseHubConfig, startHub } from '@flotilla/hub';
import { type ControlPlane, createTestCertificates, findFreePorts, type GitServer, startControlPlanes, startGitServer, type TestCertificates } from '@flotilla/testenv';
import { pino } from 'pino';
import request from 'supertest';

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
  /** Extra hub settings (FLOTILLA_…). */
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

/** The admin API token of every test fleet's hub. */
export const FLEET_ADMIN_TOKEN = 'flt_e2e-admin-token-of-the-test-fleet';

/** The verbs of a supertest client that sends an API token with every request. */
export type FleetApi = Pick<ReturnType<typeof request>, 'get' | 'post' | 'put' | 'patch' | 'delete'>;

/** A hub, real clusters with their agents, and a Git server, all real and on this machine. */
export interface Fleet {
  git: GitServer;
  /** The control plane of each cluster (clusters share them when `controlPlanes` was given). */
  planes: Record<string, ControlPlane>;
  hub: Hub;
  /** The CA, hub (server) and agent (client) certificates: the agent stream runs over TLS. */
  certificates: TestCertificates;
  /** Join tokens by cluster (each agent exchanges its own for a credential on first start). */
  /** The hub's configuration, e.g. to run it in a child process on the same database and ports. */
  hubConfig: HubConfig;
  tokens: Record<string, string>;
  agents: Map<string, Agent>;
  /** A supertest client of the hub's REST API with the admin token, or with the given token (`null`: none). */
  api(token?: string | null): FleetApi;
  /** The settings (FLOTILLA_…) startAgent gives a cluster's agent, e.g. to run it in another process. */
  agentEnv(cluster: string): Record<string, string | undefined>;
  startAgent(cluster: string): Promise<Agent>;
  stopAgent(cluster: string): Promise<void>;
  stopHub(): Promise<void>;
  /** Starts the hub again on the same database and ports. */
  startHub(): Promise<void>;
  stop(): Promise<void>;
}

const logLevel = process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent';

/** Starts a fleet: Git server with a `fleet` repository, one control plane per cluster, a hub on SQLite, and agents. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
  const names = Object.keys(options.clusters);
  const isSimulated = options.controlPlanes !== undefined;
  const [git, planeList, certificates] = await Promise.all([(options.startGitServer ?? startGitServer)(), startControlPlanes(options.controlPlanes ?? names.length, { workloads: options.workloads }), createTestCertificates()]);
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
      ...options.hubEnv,
    },
  });
  let hub: Hub | undefined = await startHub(hubConfig);
  const fleet: Fleet = {
    git,
    planes,
    hub,
    certificates,
    hubConfig,
    tokens: {},
    agents: new Map(),
    api: (token?: string | null) => {
      const client = request(`http://127.0.0.1:${httpPort}`);
      const bearer = token === null ? undefined : (token ?? FLEET_ADMIN_TOKEN);
      const authorize = <T extends { set(field: string, value: string): T }>(test: T): T => (bearer === undefined ? test : test.set('authorization', `Bearer ${bearer}`));
      return {
        get: (url: string) => authorize(client.get(url)),
        post: (url: string) => authorize(client.post(url)),
        put: (url: string) => authorize(client.put(url)),
        patch: (url: string) => authorize(client.patch(url)),
        delete: (url: string) => authorize(client.delete(url)),
      } as FleetApi;
    },
    agentEnv: (cluster) => ({
      FLOTILLA_HUB_ADDRESS: `127.0.0.1:${grpcPort}`,
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
    async startAgent(cluster) {
      const config = parseAgentConfig({ env: fleet.agentEnv(cluster) });
      const agent = await startAgent(config, {
        kubeConfig: (planes[cluster] as ControlPlane).kubeConfig('admin'),
        logger: pino({ level: logLevel, base: { cluster } }),
        retryDelayMs: 500,
      });
      fleet.agents.set(cluster, agent);
      return agent;
    },
    async stopAgent(cluster) {
      await fleet.agents.get(cluster)?.stop();
      fleet.agents.delete(cluster);
    },
    async stopHub() {
      await hub?.close();
      hub = undefined;
    },
    async startHub() {
      hub = await startHub(hubConfig);
      fleet.hub = hub;
    },
    async stop() {
      for (const cluster of [...fleet.agents.keys()]) await fleet.stopAgent(cluster).catch(() => undefined);
      await hub?.close().catch(() => undefined);
      await Promise.all(planeList.map((plane) => plane.stop()));
      await git.stop();
      await certificates.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const [name, labels] of Object.entries(options.clusters)) {
    const res = await fleet.api().post('/api/v1/clusters').send({ name, labels }).expect(201);
    fleet.tokens[name] = res.body.joinToken;
  }
  return fleet;
}

/** The status of an app on one cluster, from the REST API. */
export async function appStatusOn(fleet: Fleet, app: string, cluster: string): Promise<Record<string, unknown> | undefined> {
  const res = await fleet.api().get(`/api/v1/apps/${app}/status`);
  return (res.body.items as Array<Record<string, unknown>> | undefined)?.find((item) => item.cluster === cluster);
}
