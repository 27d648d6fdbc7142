import { spawn } from 'node:child_process';

/** How one tool run ended. */
export type ToolRun =
  | { outcome: 'exited'; exitCode: number; stdout: string; stderr: string }
  | { outcome: 'timeout' | 'too-much-output' | 'aborted'; stderr: string };

/** What to run and how much it may take. */
export interface RunToolOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the tool: nothing of the caller's (its credentials) leaks in. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

const STDERR_KEPT = 16_000;

/**
 * Runs a tool, collecting its output, and kills it (the whole process group) past the timeout, past the output limit
 * or when the signal aborts, so a hostile input cannot hold a render slot or fill the memory.
 */
export function runTool(options: RunToolOptions): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let stopped: 'timeout' | 'too-much-output' | 'aborted' | undefined;
    const stop = (why: 'timeout' | 'too-much-output' | 'aborted'): void => {
      if (stopped !== undefined) return;
      stopped = why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = (): void => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop('aborted');

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.byteLength;
      if (stdoutBytes > options.maxOutputBytes) stop('too-much-output');
      else stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(0, STDERR_KEPT);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped !== undefined) resolve({ outcome: stopped, stderr });
      else resolve({ outcome: 'exited', exitCode: exitCode ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
    });
  });
}
