import { spawn } from 'node:child_process';

/** Why a `git` command failed; the stderr it printed is kept so the thrown error explains itself. */
export interface GitCommandErrorData {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly exitCode: number | null;
  readonly stderr: string;
}

/** Thrown when a plain `git` command exits non-zero; `data.stderr` holds what git said. */
export class GitCommandError extends Error {
  readonly code = 'GIT_COMMAND_FAILED';

  constructor(
    readonly data: GitCommandErrorData,
    options?: { cause?: unknown },
  ) {
    super(`git ${redactCredentials(data.args.join(' '))} failed (exit ${String(data.exitCode)}) in ${data.cwd}: ${data.stderr.trim() || '(no output)'}`, options);
    this.name = 'GitCommandError';
  }
}

/** Hides the password of a `http://user:password@host` URL so error messages can be logged. */
function redactCredentials(text: string): string {
  return text.replace(/\/\/([^/:@\s]*):[^/@\s]*@/g, '//$1:***@');
}

/** Where and how to run `git`. */
export interface RunGitOptions {
  readonly cwd: string;
  /** Used as HOME so no user's ~/.gitconfig leaks in. */
  readonly home: string;
}

/**
 * Environment for every git process testenv starts, built from scratch: an inherited GIT_DIR (set when tests
 * run inside a git hook), a proxy variable or a global `commit.gpgsign` would otherwise change what git does.
 */
export function gitEnvironment(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // A missing credential must fail the command, not wait for a password on a terminal.
    GIT_TERMINAL_PROMPT: '0',
  };
}

/** Runs `git <args>` quietly and resolves to its trimmed stdout; rejects with GitCommandError carrying stderr. */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: gitEnvironment(options.home), stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      reject(new GitCommandError({ args, cwd: options.cwd, exitCode: null, stderr: error.message }, { cause: error }));
    });
    child.on('close', (exitCode) => {
      if (exitCode === 0) {
        resolve(Buffer.concat(stdout).toString('utf8').trim());
        return;
      }
      reject(new GitCommandError({ args, cwd: options.cwd, exitCode, stderr: Buffer.concat(stderr).toString('utf8') }));
    });
  });
}
