import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePorts } from './free-ports.js';
import { startSupervisedProcess, type SupervisedProcess } from './supervised-process.js';

/** One listening address of the balancer and the servers it spreads connections over. */
export interface LoadBalancerFrontend {
  /** Names the frontend in the config and in `LoadBalancer.address`: letters, digits, `-` and `_`. */
  readonly name: string;
  /** `host:port` of each server, e.g. `127.0.0.1:20123`; a server that is down is taken out until it answers again. */
  readonly backends: readonly string[];
}

/** How to start the balancer. */
export interface LoadBalancerOptions {
  readonly frontends: readonly LoadBalancerFrontend[];
  /**
   * How a new connection picks its server: `roundrobin` (the default) or `leastconn` (the one with the fewest open
   * connections, what long-lived gRPC streams want once servers come back).
   */
  readonly balance?: 'roundrobin' | 'leastconn';
  /** Most connections open at once (haproxy needs two file descriptors each, within this process's limit); default 4,000. */
  readonly maxConnections?: number;
  /** How long to wait for haproxy to listen on every frontend; default 10 s. */
  readonly readyTimeoutMs?: number;
}

/** HAProxy in front of some servers (hub replicas), in TCP mode, so gRPC and HTTP pass through untouched. */
export interface LoadBalancer {
  /** `127.0.0.1:<port>` of each frontend, by name. */
  readonly addresses: Readonly<Record<string, string>>;
  /** `127.0.0.1:<port>` of one frontend; throws for an unknown name. */
  address(frontend: string): string;
  /** Whether haproxy's health check counts each backend of a frontend up now, in the order they were given. */
  backendsUp(frontend: string): Promise<boolean[]>;
  /** The haproxy process (its pid, log file). */
  readonly process: SupervisedProcess;
  /** Stops haproxy and removes its config; safe to call twice. */
  stop(): Promise<void>;
}

/** Where Debian's package puts it; `FLOTILLA_HAPROXY` overrides (tests only read it here). */
const HAPROXY = process.env.FLOTILLA_HAPROXY ?? 'haproxy';
const NAME = /^[A-Za-z0-9_-]+$/;
const BACKEND = /^[^\s:]+:\d+$/;

/**
 * The config: TCP mode; a dead server is found by a connect check every 300 ms and out after 2 failures (in about
 * 0.6 s), back after 1 success; a connection that cannot reach its server is sent to another (`redispatch`); the
 * sessions of a server marked down are closed, so their clients reconnect at once; client and server timeouts of an
 * hour, because agents' gRPC streams stay open for many minutes with nothing but heartbeats on them.
 */
export function loadBalancerConfig(
  frontends: ReadonlyArray<LoadBalancerFrontend & { port: number }>,
  { balance = 'roundrobin', maxConnections = 4_000, statsSocket }: Pick<LoadBalancerOptions, 'balance' | 'maxConnections'> & { statsSocket?: string } = {},
): string {
  const lines = [
    'global',
    `  maxconn ${maxConnections}`,
    ...(statsSocket === undefined ? [] : [`  stats socket ${statsSocket} mode 600 level user`]),
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 1s',
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout check 1s',
    '  retries 2',
    '  option redispatch',
    '  default-server check inter 300ms fall 2 rise 1 on-marked-down shutdown-sessions',
  ];
  for (const frontend of frontends) {
    lines.push('', `frontend ${frontend.name}`, `  bind 127.0.0.1:${frontend.port}`, `  default_backend ${frontend.name}-servers`);
    lines.push('', `backend ${frontend.name}-servers`, `  balance ${balance}`);
    frontend.backends.forEach((backend, i) => lines.push(`  server ${frontend.name}-${i} ${backend}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Starts Debian's haproxy (`apt-get install haproxy`) as a child of this process (not a system service) on free
 * loopback ports, one per frontend, and resolves once every frontend accepts connections.
 */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const { frontends, readyTimeoutMs = 10_000 } = options;
  for (const frontend of frontends) {
    if (!NAME.test(frontend.name)) throw new Error(`load balancer: frontend name "${frontend.name}" must be letters, digits, - and _`);
    if (frontend.backends.length === 0) throw new Error(`load balancer: frontend ${frontend.name} has no backends`);
    const bad = frontend.backends.find((backend) => !BACKEND.test(backend));
    if (bad !== undefined) throw new Error(`load balancer: backend "${bad}" of ${frontend.name} is not host:port`);
  }
  const ports = await findFreePorts(frontends.length);
  const bound = frontends.map((frontend, i) => ({ ...frontend, port: ports[i] as number }));
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-haproxy-'));
  const configPath = join(dir, 'haproxy.cfg');
  const statsSocket = join(dir, 'stats.sock');
  await writeFile(configPath, loadBalancerConfig(bound, { ...options, statsSocket }));
  let haproxy: SupervisedProcess;
  try {
    // -db: stay in the foreground, as a child the watchdog can kill; -f: this config only.
    haproxy = startSupervisedProcess({ command: HAPROXY, args: ['-db', '-f', configPath], logPath: join(dir, 'haproxy.log'), removeWhenOrphaned: dir });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const addresses = Object.fromEntries(bound.map((frontend) => [frontend.name, `127.0.0.1:${frontend.port}`]));
  let stopping: Promise<void> | undefined;
  const balancer: LoadBalancer = {
    addresses,
    address(name) {
      const address = addresses[name];
      if (address === undefined) throw new Error(`load balancer: no frontend named ${name} (have ${Object.keys(addresses).join(', ')})`);
      return address;
    },
    async backendsUp(name) {
      const frontend = bound.find((f) => f.name === name);
      if (frontend === undefined) throw new Error(`load balancer: no frontend named ${name}`);
      const rows = parseStats(await askStats(statsSocket, 'show stat'));
      return frontend.backends.map((_, i) => rows.find((row) => row.pxname === `${name}-servers` && row.svname === `${name}-${i}`)?.status.startsWith('UP') ?? false);
    },
    process: haproxy,
    stop() {
      stopping ??= (async () => {
        await haproxy.stop(2_000);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  try {
    await waitUntilListening(haproxy, bound.map((frontend) => frontend.port), readyTimeoutMs);
  } catch (error) {
    await balancer.stop();
    throw error;
  }
  return balancer;
}

async function waitUntilListening(haproxy: SupervisedProcess, ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (haproxy.isExited) {
        const { code, signal } = await haproxy.exited;
        const hint = code === 127 ? ' (is haproxy installed? apt-get install -y haproxy)' : '';
        throw new Error(`haproxy exited before it listened (${signal ?? `exit ${code}`})${hint}:\n${await haproxy.readLogTail()}`);
      }
      if (await accepts(port)) break;
      if (Date.now() > deadline) throw new Error(`haproxy did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${await haproxy.readLogTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends one command to haproxy's stats socket and returns its whole answer. */
function askStats(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = createConnection(socketPath, () => socket.end(`${command}\n`));
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.once('end', () => resolve(answer));
    socket.once('error', reject);
  });
}

/** The rows of `show stat` (CSV whose header line starts with `# `), as column → value. */
function parseStats(csv: string): Array<Record<string, string> & { pxname: string; svname: string; status: string }> {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  return rows.map((row) => {
    const values = row.split(',');
    return Object.fromEntries(columns.map((column, i) => [column, values[i] ?? ''])) as Record<string, string> & { pxname: string; svname: string; status: string };
  });
}
