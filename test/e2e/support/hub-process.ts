import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HubConfig } from '@flotilla/hub';
import { startSupervisedProcess } from '@flotilla/testenv';

/** A hub running in a child process, from its sources, so that a test can kill it without warning. */
export interface HubProcess {
  /** The hub's own pid (what a replica id `<host>/<pid>/<random>` names). */
  readonly pid: number;
  /** Where its stdout and stderr go. */
  readonly logPath: string;
  /** Turns true once the process has exited, however. */
  readonly isExited: boolean;
  /** Kills the hub with SIGKILL: no shutdown hook runs, nothing is flushed, its connections are reset. */
  kill(): Promise<void>;
  /** The end of its log, for error messages. */
  readLogTail(lines?: number): Promise<string>;
}

const HUB_DIR = fileURLToPath(new URL('../../../hub/', import.meta.url));
const HOOKS = fileURLToPath(new URL('../../../packages/testenv/test-support/typescript-hooks.mjs', import.meta.url));

/** The `FLOTILLA_…` settings that give a hub this configuration (`heartbeatTimeoutMs` → `FLOTILLA_HEARTBEAT_TIMEOUT_MS`). */
export function hubEnvOf(config: HubConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined) env[`FLOTILLA_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = String(value);
  }
  return env;
}

/** How to run a hub process. */
export interface HubProcessOptions {
  /** How long to wait for /healthz; default 60 s. */
  timeoutMs?: number;
  /** Where its stdout and stderr go; default `<data dir>/hub.log`. */
  logPath?: string;
  /**
   * `source` (the default): `src/main.ts` through the TypeScript hooks, as tests run it; `dist`: the build,
   * `dist/main.js`, as the image runs it (benchmarks, after `pnpm build`).
   */
  entry?: 'source' | 'dist';
  /** Node.js flags before the entry point, e.g. the hub image's. */
  nodeArgs?: readonly string[];
}

/**
 * Starts the hub with this configuration and waits until its /healthz answers. It runs behind testenv's watchdog, so
 * it dies with the test process however that ends.
 */
export async function startHubProcess(config: HubConfig, options: HubProcessOptions = {}): Promise<HubProcess> {
  const { timeoutMs = 60_000, logPath = join(config.dataDir, 'hub.log'), entry = 'source', nodeArgs = [] } = options;
  const env = hubEnvOf(config);
  mkdirSync(config.dataDir, { recursive: true });
  const child = startSupervisedProcess({
    command: process.execPath,
    args: [...nodeArgs, ...(entry === 'source' ? ['--conditions=source', '--import', HOOKS, 'src/main.ts'] : ['dist/main.js'])],
    cwd: HUB_DIR,
    env: { ...process.env, ...env },
    logPath,
  });
  const kill = async (): Promise<void> => {
    if (!child.isExited) process.kill(child.pid, 'SIGKILL');
    await child.exited;
  };
  const hubProcess: HubProcess = {
    pid: child.pid,
    logPath,
    get isExited() {
      return child.isExited;
    },
    kill,
    readLogTail: (lines) => child.readLogTail(lines),
  };
  const url = `http://${env.FLOTILLA_HTTP_HOST ?? '127.0.0.1'}:${env.FLOTILLA_HTTP_PORT}/healthz`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.isExited) {
      const { code, signal } = await child.exited;
      throw new Error(`the hub process exited (${signal ?? `code ${code}`}) before it was ready:\n${await child.readLogTail()}`);
    }
    if (await fetch(url).then((res) => res.ok, () => false)) return hubProcess;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`the hub process did not answer ${url} within ${timeoutMs} ms:\n${await child.readLogTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
