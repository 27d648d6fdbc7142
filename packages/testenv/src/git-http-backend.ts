import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { type IncomingMessage, type ServerResponse } from 'node:http';

/** Debian's git package installs the smart-HTTP CGI program here. */
export const GIT_HTTP_BACKEND_PATH = '/usr/lib/git-core/git-http-backend';

/** Keep at most this much of a backend's stderr; it only feeds error messages. */
const MAX_STDERR_BYTES = 64 * 1024;

/** Where the repositories live and who hears about failures. */
export interface GitHttpBackendOptions {
  /** Directory holding the bare repositories (GIT_PROJECT_ROOT). */
  readonly projectRoot: string;
  /** Directory used as HOME for the backend, so no user's ~/.gitconfig applies. */
  readonly home: string;
  /** Told about a backend that failed after its response had begun (the client only sees a cut-off body). */
  readonly onError: (error: Error) => void;
}

/** Runs `git http-backend` as CGI for each request, streaming bodies both ways. */
export class GitHttpBackend {
  private readonly running = new Set<ChildProcessWithoutNullStreams>();

  constructor(private readonly options: GitHttpBackendOptions) {}

  /** Answers one request; `remoteUser` is the authenticated user name, if any. */
  handle(request: IncomingMessage, response: ServerResponse, remoteUser: string | undefined): void {
    let env: NodeJS.ProcessEnv;
    try {
      env = this.cgiEnvironment(request, remoteUser);
    } catch (error) {
      // decodeURIComponent rejects malformed escapes such as "%zz".
      response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`Bad request path: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    const child = spawn(GIT_HTTP_BACKEND_PATH, [], { env, stdio: 'pipe' });
    this.running.add(child);

    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
    });
    // The backend may answer (404, 403) without reading the body; the pipe then breaks, which is not an error.
    child.stdin.on('error', () => undefined);
    request.pipe(child.stdin);

    const parser = new CgiResponseWriter(response);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!parser.write(chunk)) {
        child.stdout.pause();
        response.once('drain', () => child.stdout.resume());
      }
    });
    // A client that hangs up mid-transfer leaves nobody to read the output.
    response.on('close', () => {
      if (!response.writableFinished) child.kill('SIGKILL');
    });

    // Node may emit 'close' after 'error'; the response must be settled once.
    let isSettled = false;
    child.on('error', (error) => {
      this.running.delete(child);
      if (isSettled) return;
      isSettled = true;
      parser.fail(new Error(`cannot start ${GIT_HTTP_BACKEND_PATH}: ${error.message}`, { cause: error }), this.options.onError);
    });
    child.on('close', (exitCode, signal) => {
      this.running.delete(child);
      if (isSettled) return;
      isSettled = true;
      if (exitCode === 0) {
        parser.end();
        return;
      }
      if (response.destroyed) return;
      const error = new Error(
        `git http-backend failed for ${request.method ?? 'GET'} ${request.url ?? '/'} (exit ${String(exitCode ?? signal)}): ${stderr.trim() || '(no output)'}`,
      );
      parser.fail(error, this.options.onError);
    });
  }

  /** Kills backends still running, e.g. for clients that never finished their request. */
  stopAll(): void {
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
  }

  /** The CGI/1.1 variables git-http-backend reads, built from scratch so nothing of the caller's env leaks in. */
  private cgiEnvironment(request: IncomingMessage, remoteUser: string | undefined): NodeJS.ProcessEnv {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: this.options.home,
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
      GIT_PROJECT_ROOT: this.options.projectRoot,
      // Serve every repository under the root without a git-daemon-export-ok marker file.
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      // Config given through the environment applies to every repository, including ones made by hand.
      // receive-pack is otherwise refused unless REMOTE_USER is set, i.e. on servers without auth;
      // allowReachableSHA1InWant lets protocol-v0/v1 clients fetch a pinned commit by its id.
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      GIT_CONFIG_KEY_1: 'uploadpack.allowReachableSHA1InWant',
      GIT_CONFIG_VALUE_1: 'true',
    };
    if (remoteUser !== undefined) env.REMOTE_USER = remoteUser;
    const contentType = request.headers['content-type'];
    if (contentType !== undefined) env.CONTENT_TYPE = contentType;
    // Without CONTENT_LENGTH (a chunked request) the backend reads the body until EOF, which is what we want.
    const contentLength = request.headers['content-length'];
    if (contentLength !== undefined) env.CONTENT_LENGTH = contentLength;
    // HTTP_CONTENT_ENCODING (gzip request bodies, which git inflates itself) and HTTP_GIT_PROTOCOL (protocol v2)
    // arrive this way. Credentials stay out, as CGI requires.
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || name === 'authorization' || name === 'proxy-authorization') continue;
      if (name === 'content-type' || name === 'content-length') continue;
      env[`HTTP_${name.toUpperCase().replaceAll('-', '_')}`] = Array.isArray(value) ? value.join(', ') : value;
    }
    return env;
  }
}

/** Turns a CGI program's stdout (headers, blank line, body) into an HTTP response. */
class CgiResponseWriter {
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly response: ServerResponse) {}

  /** Feeds stdout bytes; returns false when the client wants the producer to wait for 'drain'. */
  write(chunk: Buffer): boolean {
    if (this.head === undefined) return this.response.write(chunk);
    const buffered = Buffer.concat([this.head, chunk]);
    const end = findHeaderEnd(buffered);
    if (end === undefined) {
      this.head = buffered;
      return true;
    }
    this.head = undefined;
    this.writeHead(buffered.subarray(0, end.headerLength).toString('latin1'));
    const body = buffered.subarray(end.bodyStart);
    return body.length === 0 ? true : this.response.write(body);
  }

  /** The program exited cleanly: finish the response. */
  end(): void {
    if (this.head !== undefined) {
      this.fail(new Error('git http-backend exited without sending CGI headers'), () => undefined);
      return;
    }
    this.response.end();
  }

  /** The program failed: answer 500 with the reason if nothing was sent yet, else cut the response off. */
  fail(error: Error, onError: (error: Error) => void): void {
    if (this.head === undefined || this.response.headersSent) {
      onError(error);
      this.response.destroy(error);
      return;
    }
    this.head = undefined;
    this.response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    this.response.end(`${error.message}\n`);
  }

  private writeHead(headerText: string): void {
    let status = 200;
    let statusMessage: string | undefined;
    for (const line of headerText.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') {
        // "Status: 404 Not Found"; it need not come first, and git repeats its no-cache headers around it.
        const match = /^(\d{3})\s*(.*)$/.exec(value);
        if (match?.[1] !== undefined) {
          status = Number(match[1]);
          statusMessage = match[2] || undefined;
        }
        continue;
      }
      this.response.setHeader(name, value);
    }
    this.response.statusCode = status;
    if (statusMessage !== undefined) this.response.statusMessage = statusMessage;
    this.response.flushHeaders();
  }
}

/** Finds the blank line ending the CGI headers; programs may use CRLF or bare LF. */
function findHeaderEnd(buffer: Buffer): { headerLength: number; bodyStart: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerLength: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headerLength: lf, bodyStart: lf + 2 };
  return undefined;
}
