import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HubConfig } from '@flotilla/hub';

/** A hub running in a child process, from its sources, so that a test can kill it without warning. */
export interface HubProcess {
  /** Kills the hub with SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill(): Promise<void>;
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

/** Starts `hub/src/main.ts` with this configuration and waits until its /healthz answers. */
export async function startHubProcess(config: HubConfig, { timeoutMs = 60_000 } = {}): Promise<HubProcess> {
  const env = hubEnvOf(config);
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', HOOKS, 'src/main.ts'], {
    cwd: HUB_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const kill = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const url = `http://${env.FLOTILLA_HTTP_HOST ?? '127.0.0.1'}:${env.FLOTILLA_HTTP_PORT}/healthz`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the hub process exited with code ${child.exitCode} before it was ready`);
    if (await fetch(url).then((res) => res.ok, () => false)) return { kill };
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`the hub process did not answer ${url} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
