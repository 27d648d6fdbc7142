import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { registerExitCleanup } from './exit-cleanup.js';

/** A server process whose output goes to a log file and which cannot outlive this Node process. */
export interface SupervisedProcess {
  /** The server's own pid: the watchdog execs into it, so signals reach the server directly. */
  readonly pid: number;
  readonly logPath: string;
  /** Settles when the process has exited; `isExited` turns true at the same moment. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly isExited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** The last `lines` lines of the log file, for error messages. */
  readLogTail(lines?: number): Promise<string>;
}

/** What to run and where its stdout and stderr go. */
export interface SupervisedProcessOptions {
  command: string;
  args: readonly string[];
  logPath: string;
  cwd?: string;
  /** The environment of the process; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** A directory to delete if this Node process dies without stopping the server (the server's temp dir). */
  removeWhenOrphaned?: string;
}

/*
 * Why a watchdog: 'exit' and signal handlers cannot run when this process is killed with SIGKILL (an OOM kill, a
 * test runner timing out a worker), and etcd or kube-apiserver would then live on, holding ports and memory.
 * bash forks a watcher holding fd 3, the far end of a socket pair whose near end only this Node process holds,
 * then execs the server (keeping its pid). The kernel closes the near end however Node dies, even while Node is a
 * zombie, so the watcher's `read` sees end-of-file at once, SIGKILLs the server and removes its leftover dir
 * (etcd preallocates over 100 MB; the pause and retry let a dying server finish its last file operations).
 * When the server exits first, Node writes a line instead and the watcher leaves quietly, so it never signals a
 * reused pid.
 */
const WATCHDOG = `server=$$ leftover=$1
shift
( if ! read -r -u 3 _; then
    kill -KILL "$server"
    if [ -n "$leftover" ]; then sleep 1; rm -rf -- "$leftover" || { sleep 1; rm -rf -- "$leftover"; }; fi
  fi ) </dev/null >/dev/null 2>&1 &
exec 3<&- "$@"`;

/** Starts `command` behind the watchdog and registers it to be killed when this process exits. */
export function startSupervisedProcess(options: SupervisedProcessOptions): SupervisedProcess {
  const logFd = openSync(options.logPath, 'a');
  const child = (() => {
    try {
      return spawn('bash', ['-c', WATCHDOG, 'flotilla-watchdog', options.removeWhenOrphaned ?? '', options.command, ...options.args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', logFd, logFd, 'pipe'],
      });
    } finally {
      closeSync(logFd); // the child has its own copy
    }
  })();
  // Without a listener a failed spawn (no bash) would be an uncaught 'error' event instead of the throw below.
  child.once('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.command}: bash did not start`);

  const lifeline = child.stdio[3] as Socket;
  // The lifeline must not keep the event loop alive, nor crash us if the watcher is already gone (EPIPE).
  lifeline.on('error', () => undefined);
  lifeline.unref();
  child.unref();

  let isExited = false;
  const unregister = registerExitCleanup(() => {
    if (!isExited) process.kill(pid, 'SIGKILL');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      isExited = true;
      unregister();
      lifeline.end('exited\n');
      resolve({ code, signal });
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5_000): Promise<void> => {
    stopping ??= (async () => {
      if (isExited) return;
      // Unreferenced children let a forgetful caller exit, but a caller awaiting stop() must not exit mid-way.
      child.ref();
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, graceMs, 'timeout')));
      const outcome = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  return {
    pid,
    logPath: options.logPath,
    exited,
    get isExited() {
      return isExited;
    },
    stop,
    readLogTail: (lines = 40) => readLogTail(options.logPath, lines),
  };
}

async function readLogTail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
