import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How an agent process ended. */
export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An agent running in a child process, from its sources, as `node dist/main.js` runs in its image. */
export interface AgentProcess {
  /** Resolves when the process exits by itself. */
  readonly exited: Promise<AgentExit>;
  /** Kills it with SIGKILL (no shutdown hook runs, nothing is flushed) and waits for it to be gone. */
  kill(): Promise<AgentExit>;
}

const AGENT_DIR = fileURLToPath(new URL('../../../agent/', import.meta.url));
const HOOKS = fileURLToPath(new URL('../../../packages/testenv/test-support/typescript-hooks.mjs', import.meta.url));

/** Starts `agent/src/main.ts` with these settings (FLOTILLA_…) and nothing else of this process's environment but PATH. */
export function startAgentProcess(env: Record<string, string | undefined>): AgentProcess {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', HOOKS, 'src/main.ts'], {
    cwd: AGENT_DIR,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<AgentExit>((resolve) =>
    child.once('close', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** A kubeconfig (JSON, which is YAML) for one API server and a bearer token. */
export function tokenKubeconfig(server: string, caCertPath: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cluster', cluster: { server, 'certificate-authority': caCertPath } }],
    users: [{ name: 'agent', user: { token } }],
    contexts: [{ name: 'agent', context: { cluster: 'cluster', user: 'agent' } }],
    'current-context': 'agent',
  });
}
