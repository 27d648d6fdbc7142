import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCheckout } from './git-checkout.js';
import { runGit } from './git-command.js';
import { GitHttpBackend } from './git-http-backend.js';

/** A user name and password for HTTP Basic auth. */
export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

/** How to start a Git server. */
export interface GitServerOptions {
  /** Require these credentials on every request; without them the server is open to anyone. */
  readonly auth?: GitCredentials;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Told when git-http-backend fails after its response began; defaults to console.error. */
  readonly onError?: (error: Error) => void;
}

/** A repository created on the server with its first commit. */
export interface GitRepository {
  readonly name: string;
  /** Clone URL, without credentials. */
  readonly url: string;
  readonly branch: string;
  /** Id of the initial commit. */
  readonly commit: string;
}

/** A smart-HTTP Git server for tests: real `git http-backend` behind a node:http server on 127.0.0.1. */
export interface GitServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`; repositories live at `<url>/<name>.git`. */
  readonly url: string;
  /** The server's temporary directory (bare repositories under `repos/`, working copies under `work/`). */
  readonly directory: string;
  /** The credentials the server requires, if any. */
  readonly auth: GitCredentials | undefined;
  /** Clone URL of a repository, without credentials. */
  repoUrl(name: string): string;
  /** Makes a bare repository and pushes an initial commit holding `files` (path → content); empty without files. */
  createRepository(name: string, files?: Record<string, string>, options?: { branch?: string }): Promise<GitRepository>;
  /** Clones a repository over HTTP (with the server's credentials) into a fresh working copy. */
  checkout(name: string): Promise<GitCheckout>;
  /** Closes the server, kills running backends and deletes the temporary directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Repository names: path segments of letters, digits, `.`, `_` and `-`, not starting with a dot. */
const REPOSITORY_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Starts a Git smart-HTTP server on a free 127.0.0.1 port with its own temporary directory. */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const { auth, port = 0, onError = (error: Error) => console.error(`[testenv git server] ${error.message}`) } = options;
  const directory = await mkdtemp(join(tmpdir(), 'flotilla-git-'));
  const reposDir = join(directory, 'repos');
  const workDir = join(directory, 'work');
  const home = join(directory, 'home');
  await Promise.all([mkdir(reposDir), mkdir(workDir), mkdir(home)]);

  const backend = new GitHttpBackend({ projectRoot: reposDir, home, onError });
  const server = createServer((request, response) => {
    const remoteUser = authenticate(request, auth);
    if (remoteUser === false) {
      refuse(request, response);
      return;
    }
    backend.handle(request, response, remoteUser);
  });
  try {
    await listen(server, port);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const repoUrl = (name: string): string => `${url}/${repositoryPath(name)}`;
  // Working copies push over HTTP like a user would, so they carry the credentials in the remote URL.
  const authenticatedRepoUrl = (name: string): string => {
    if (auth === undefined) return repoUrl(name);
    const userInfo = `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}@`;
    return repoUrl(name).replace('http://', `http://${userInfo}`);
  };
  let checkouts = 0;
  const newWorkDir = (name: string): string => join(workDir, `${name.replaceAll('/', '_')}-${++checkouts}`);

  let stopping: Promise<void> | undefined;
  return {
    url,
    directory,
    auth,
    repoUrl,
    async createRepository(name, files = {}, { branch = 'main' } = {}) {
      const bareDir = join(reposDir, repositoryPath(name));
      if (await exists(bareDir)) throw new Error(`Git repository ${name} already exists on ${url}; pick another name`);
      await mkdir(bareDir, { recursive: true });
      await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`], { cwd: bareDir, home });
      // The first commit goes straight to the bare directory: nothing over HTTP can be tested before it exists.
      const seedDir = newWorkDir(name);
      try {
        const seed = await GitCheckout.init(seedDir, bareDir, branch, home);
        for (const [path, content] of Object.entries(files)) await seed.write(path, content);
        const commit = await seed.commit('Initial commit');
        await seed.git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
        return { name, url: repoUrl(name), branch, commit };
      } finally {
        await rm(seedDir, { recursive: true, force: true });
      }
    },
    async checkout(name) {
      return GitCheckout.clone(authenticatedRepoUrl(name), newWorkDir(name), home);
    },
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
        backend.stopAll();
        await closed;
        await rm(directory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** `<name>.git` relative to the project root, after checking the name cannot escape it. */
function repositoryPath(name: string): string {
  if (!REPOSITORY_NAME.test(name)) {
    throw new Error(`Invalid Git repository name ${JSON.stringify(name)}: use letters, digits, ".", "_", "-" and "/"`);
  }
  return name.endsWith('.git') ? name : `${name}.git`;
}

/** The user name when the request may proceed (undefined on an open server), false when it must be refused. */
function authenticate(request: IncomingMessage, auth: GitCredentials | undefined): string | undefined | false {
  if (auth === undefined) return undefined;
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (match?.[1] === undefined) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const username = decoded.slice(0, colon);
  return username === auth.username && decoded.slice(colon + 1) === auth.password ? username : false;
}

/** 401 with a Basic challenge, which makes git and isomorphic-git ask for (other) credentials. */
function refuse(request: IncomingMessage, response: ServerResponse): void {
  // Drain the body so the client can read the answer instead of seeing a reset connection.
  request.resume();
  response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="flotilla-testenv", charset="UTF-8"', 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('Authentication required: wrong or missing credentials\n');
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
