import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitCheckout, type GitRepository, type GitServer } from '@flotilla/testenv';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * A test Git server (startGitServer) in a child process: a CGI process per request forked from a process of hundreds of
 * MiB holding the hub and many agents costs tens of milliseconds of that process's event loop each; from a small one, little.
 */
export async function startGitServerProcess(): Promise<GitServer> {
  const child = fork(join(here, 'git-server-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(message: object, reply: string): Promise<T> =>
    new Promise((resolve, reject) => {
      child.once('message', (answer: { type: string; message?: string }) => (answer.type === reply ? resolve(answer as T) : reject(new Error(`git server process: ${answer.message}`))));
      child.send(message);
    });
  const { url, directory } = await ask<{ url: string; directory: string }>({ type: 'start' }, 'started');
  const local = await mkdtemp(join(tmpdir(), 'flotilla-git-client-'));
  let checkouts = 0;
  let stopping: Promise<void> | undefined;
  const repoUrl = (name: string): string => `${url}/${name.endsWith('.git') ? name : `${name}.git`}`;
  return {
    url,
    directory,
    auth: undefined,
    repoUrl,
    createRepository: async (name, files = {}) => (await ask<{ repository: GitRepository }>({ type: 'create', name, files }, 'created')).repository,
    checkout: (name) => GitCheckout.clone(repoUrl(name), join(local, `${name.replaceAll('/', '_')}-${++checkouts}`), local),
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.send({ type: 'stop' });
          await exited;
        }
        await rm(local, { recursive: true, force: true });
      })()),
  };
}
