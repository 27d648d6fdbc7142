import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Agent, parseAgentConfig, startAgent } from '@flotilla/agent';
import { type Hub, parseHubConfig, startHub } from '@flotilla/hub';
import { type ControlPlane, type GitServer, type KubernetesBinaries, type KustomizeBinary, type KwokBinary, startControlPlanes, startGitServer } from '@flotilla/testenv';
import { type Logger, pino } from 'pino';
import { HubClient } from '@flotilla/cli';

/** A cluster of the local fleet. */
export interface LocalCluster {
  name: string;
  labels: Record<string, string>;
}

/** What to start and where. */
export interface LocalFleetOptions {
  clusters: readonly LocalCluster[];
  /** Working directory: hub data, agent caches, logs. */
  dir: string;
  binaries: KubernetesBinaries;
  /** KWOK, for the one simulated node of each cluster: the clusters run workloads (controllers, scheduler, node). */
  kwok: KwokBinary;
  /** kustomize, which the hub runs to build Kustomize apps (FLOTILLA_KUSTOMIZE_PATH). */
  kustomize: KustomizeBinary;
  /** Preferred hub ports; a port in use falls back to a free one. Default 8080 and 9090. */
  httpPort?: number;
  grpcPort?: number;
  /** Preferred port of the first agent's /metrics; the next agents take the following ones. Default 9101. */
  agentMetricsPort?: number;
  /** Log level of the hub and agents, whose logs go to files in `<dir>/logs`; default info. */
  logLevel?: string;
  /** Told as each part comes up. */
  onStarted?(part: 'git' | 'control planes' | 'hub'): void;
}

/** A hub, real control planes and a Git server on this machine, with agents started in this process. */
export interface LocalFleet {
  git: GitServer;
  planes: Record<string, ControlPlane>;
  hub: Hub;
  /** The admin API token the hub was started with (FLOTILLA_ADMIN_TOKEN), chosen afresh for each fleet. */
  adminToken: string;
  /** The hub's REST API, as any client sees it, with the admin token. */
  api: HubClient;
  agents: Map<string, Agent>;
  logDir: string;
  /** Registers every cluster with the hub (REST) and starts its agent with the join token it got (plaintext gRPC on loopback). */
  registerAndStartAgents(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the Git server, one control plane per cluster (running workloads on a simulated node), and the hub (on SQLite in `dir`), all at once. */
export async function startLocalFleet(options: LocalFleetOptions): Promise<LocalFleet> {
  const logDir = join(options.dir, 'logs');
  const logLevel = options.logLevel ?? 'info';
  const logger = (name: string, base: Record<string, string>): Logger =>
    pino({ level: logLevel, base }, pino.destination({ dest: join(logDir, `${name}.log`), mkdir: true, sync: true }));
  const [httpPort, grpcPort] = await Promise.all([portOrFree(options.httpPort ?? 8080), portOrFree(options.grpcPort ?? 9090)]);
  const adminToken = `flt_demo-${randomBytes(24).toString('base64url')}`;

  const started: Array<() => Promise<unknown>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const gitLogger = logger('git-server', { component: 'git-server' });
    // allSettled: after one failure the others must finish starting before they can be stopped.
    const results = await Promise.allSettled([
      startGitServer({ onError: (error) => gitLogger.warn({ err: error.message }, 'git http-backend failed') }).then((server) => {
        started.push(() => server.stop());
        options.onStarted?.('git');
        return server;
      }),
      startControlPlanes(options.clusters.length, { binaries: options.binaries, kwok: options.kwok, workloads: { nodes: 1 }, name: 'demo' }).then((planes) => {
        started.push(() => Promise.all(planes.map((plane) => plane.stop())));
        options.onStarted?.('control planes');
        return planes;
      }),
      startHub(
        parseHubConfig({
          env: {
            FLOTILLA_DATA_DIR: join(options.dir, 'hub'),
            FLOTILLA_HTTP_HOST: '127.0.0.1',
            FLOTILLA_GRPC_HOST: '127.0.0.1',
            FLOTILLA_HTTP_PORT: String(httpPort),
            FLOTILLA_GRPC_PORT: String(grpcPort),
            FLOTILLA_HEARTBEAT_INTERVAL_MS: '2000',
            FLOTILLA_HEARTBEAT_TIMEOUT_MS: '10000',
            FLOTILLA_LOG_LEVEL: logLevel,
            FLOTILLA_ADMIN_TOKEN: adminToken,
            // The demo's Git server listens on loopback, which the Git host policy refuses unless allowed.
            FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1',
            FLOTILLA_KUSTOMIZE_PATH: options.kustomize.path,
          },
        }),
        logger('hub', { component: 'hub' }),
        // The CLI handles Ctrl-C and stops the hub with the rest of the fleet.
        { handleSignals: false },
      ).then((running) => {
        started.push(() => running.close());
        options.onStarted?.('hub');
        return running;
      }),
    ] as const);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const [git, planeList, hub] = results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [GitServer, ControlPlane[], Hub];
    const planes = Object.fromEntries(options.clusters.map((cluster, i) => [cluster.name, planeList[i] as ControlPlane]));
    const api = new HubClient({ url: hub.httpUrl, token: adminToken });
    const agents = new Map<string, Agent>();
    let nextMetricsPort = options.agentMetricsPort ?? 9101;

    return {
      git,
      planes,
      hub,
      adminToken,
      api,
      agents,
      logDir,
      async registerAndStartAgents() {
        for (const cluster of options.clusters) {
          const { joinToken } = await api.createCluster({ name: cluster.name, labels: cluster.labels });
          const config = parseAgentConfig({
            env: {
              FLOTILLA_HUB_ADDRESS: hub.grpcAddress,
              FLOTILLA_CLUSTER: cluster.name,
              FLOTILLA_TOKEN: joinToken,
              // The hub's gRPC is plaintext, on loopback only: no certificates to make for a local demo.
              FLOTILLA_INSECURE: 'true',
              FLOTILLA_DATA_DIR: join(options.dir, 'agents', cluster.name),
              FLOTILLA_METRICS_HOST: '127.0.0.1',
              FLOTILLA_METRICS_PORT: String(await portOrFree(nextMetricsPort++)),
              FLOTILLA_LOG_LEVEL: logLevel,
            },
          });
          const agent = await startAgent(config, {
            kubeConfig: (planes[cluster.name] as ControlPlane).kubeConfig('admin'),
            logger: logger(`agent-${cluster.name}`, { component: 'agent', cluster: cluster.name }),
            retryDelayMs: 1000,
          });
          agents.set(cluster.name, agent);
          started.push(() => agent.stop());
        }
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** `port` when it is free on 127.0.0.1, else a free one. */
export async function portOrFree(port: number): Promise<number> {
  const tryListen = (candidate: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(candidate, '127.0.0.1', () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => resolve(bound));
      });
    });
  return (port > 0 ? await tryListen(port) : undefined) ?? ((await tryListen(0)) as number);
}
