import { join } from 'node:path';
import type { HubConfig } from '@flotilla/hub';
import { findFreePorts, type LoadBalancer, startLoadBalancer } from '@flotilla/testenv';
import { apiClient, type FleetApi } from './api-client.js';
import { type HubProcess, type HubProcessOptions, startHubProcess } from './hub-process.js';

/** How to run hub replicas. */
export interface HubReplicasOptions {
  /** How many replicas; each is its own child process (kill -9 is real) with its own ports and data directory. */
  count: number;
  /**
   * What the replicas share: a PostgreSQL database, the secret key, the admin token, the TLS certificates and the
   * other settings. Its ports and data directory are replaced by each replica's own.
   */
  config: HubConfig;
  /** How HAProxy spreads new connections; default `roundrobin`. */
  balance?: 'roundrobin' | 'leastconn';
  /** How each replica's process runs (sources or build, Node.js flags). */
  process?: Pick<HubProcessOptions, 'entry' | 'nodeArgs'>;
}

/** Hub replicas on one database behind HAProxy: one frontend for gRPC (agents, watchers), one for HTTP (REST, webhooks). */
export interface HubReplicas {
  readonly count: number;
  readonly balancer: LoadBalancer;
  /** The balancer's gRPC address, `127.0.0.1:<port>`: where agents connect. */
  readonly grpcAddress: string;
  /** The balancer's HTTP base URL. */
  readonly httpUrl: string;
  /** Replica `i`'s own configuration (its ports and data directory). */
  config(i: number): HubConfig;
  /** Replica `i`'s own gRPC address, past the balancer. */
  grpcAddressOf(i: number): string;
  /** Replica `i`'s own HTTP base URL, past the balancer. */
  httpUrlOf(i: number): string;
  /** A REST client of replica `i` directly, or of the balancer without `i`; admin token unless `token` says otherwise. */
  api(i?: number, token?: string | null): FleetApi;
  /** The pid of replica `i` while it runs. */
  pid(i: number): number | undefined;
  isRunning(i: number): boolean;
  /** Which replica a replica id (`<host>/<pid>/<random>`, as the leases and clusters tables hold it) is, if it runs. */
  indexOf(replicaId: string): number | undefined;
  /** SIGKILL to replica `i` (no shutdown hook, its connections reset); resolves once it is gone. */
  kill(i: number): Promise<void>;
  /** Starts replica `i` again, on the same ports and database; resolves once it answers /healthz. */
  start(i: number): Promise<void>;
  /** The end of replica `i`'s log (of its last start, also once killed). */
  readLogTail(i: number, lines?: number): Promise<string>;
  /** Kills every replica and stops the balancer. */
  stop(): Promise<void>;
}

/**
 * Starts `count` hub replicas as child processes on `config`'s database, each on free ports, and HAProxy in front of
 * them. Replica 0 starts first and migrates the database; the others start together once it is up.
 */
export async function startHubReplicas(options: HubReplicasOptions): Promise<HubReplicas> {
  const { count, config } = options;
  if (!config.databaseUrl?.startsWith('postgres')) throw new Error('hub replicas share a PostgreSQL database: config.databaseUrl must be postgres://…');
  const ports = await findFreePorts(2 * count);
  const configs: HubConfig[] = Array.from({ length: count }, (_, i) => ({
    ...config,
    httpHost: '127.0.0.1',
    grpcHost: '127.0.0.1',
    httpPort: ports[2 * i] as number,
    grpcPort: ports[2 * i + 1] as number,
    dataDir: join(config.dataDir, `replica-${i}`),
  }));
  const processes: Array<HubProcess | undefined> = Array.from({ length: count });
  const configOf = (i: number): HubConfig => {
    const replica = configs[i];
    if (replica === undefined) throw new Error(`no hub replica ${i} (there are ${count})`);
    return replica;
  };
  const start = async (i: number): Promise<void> => {
    if (processes[i] && !processes[i]?.isExited) throw new Error(`hub replica ${i} is running already`);
    processes[i] = await startHubProcess(configOf(i), { ...options.process, logPath: join(configOf(i).dataDir, `hub-${Date.now()}.log`) });
  };
  // A killed replica's process is kept until it starts again: its log stays readable.
  const kill = async (i: number): Promise<void> => processes[i]?.kill();
  let balancer: LoadBalancer | undefined;
  try {
    await start(0);
    await Promise.all(configs.slice(1).map((_, i) => start(i + 1)));
    balancer = await startLoadBalancer({
      balance: options.balance,
      frontends: [
        { name: 'grpc', backends: configs.map((c) => `127.0.0.1:${c.grpcPort}`) },
        { name: 'http', backends: configs.map((c) => `127.0.0.1:${c.httpPort}`) },
      ],
    });
  } catch (error) {
    await Promise.all(configs.map((_, i) => kill(i)));
    throw error;
  }
  const lb = balancer;
  const httpUrl = `http://${lb.address('http')}`;
  return {
    count,
    balancer: lb,
    grpcAddress: lb.address('grpc'),
    httpUrl,
    config: configOf,
    grpcAddressOf: (i) => `127.0.0.1:${configOf(i).grpcPort}`,
    httpUrlOf: (i) => `http://127.0.0.1:${configOf(i).httpPort}`,
    api: (i, token) => apiClient(i === undefined ? httpUrl : `http://127.0.0.1:${configOf(i).httpPort}`, token),
    pid: (i) => (processes[i]?.isExited === false ? processes[i]?.pid : undefined),
    isRunning: (i) => processes[i] !== undefined && !processes[i]?.isExited,
    indexOf(replicaId) {
      const pid = Number(replicaId.split('/').at(-2));
      const i = processes.findIndex((p) => p !== undefined && !p.isExited && p.pid === pid);
      return i === -1 ? undefined : i;
    },
    kill,
    start,
    readLogTail: async (i, lines) => (processes[i] ? processes[i].readLogTail(lines) : ''),
    async stop() {
      await Promise.all(configs.map((_, i) => kill(i)));
      await lb.stop();
    },
  };
}
