import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { findFreePorts } from './free-ports.js';

/** A TCP proxy on a loopback port that can cut its path (a network outage) and restore it on the same port. */
export interface TcpProxy {
  /** The loopback port clients connect to. */
  readonly port: number;
  /** Stops accepting (new connections are refused) and resets every open connection, both ways. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  /** Cuts for good. */
  stop(): Promise<void>;
}

/**
 * Starts a proxy forwarding each connection to `target`: tests put it between a program and a real server (the hub and
 * PostgreSQL) to make that server unreachable and reachable again, without touching the server itself.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const forward = (client: Socket): void => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  };
  let server: Server | undefined;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const listening = createServer(forward);
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        server = listening;
        resolve((listening.address() as { port: number }).port);
      });
    });
  const cut = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    for (const socket of open) socket.resetAndDestroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  // A port no kernel-assigned listener can take while the proxy is cut, so restore() finds it free.
  const [reserved] = (await findFreePorts(1)) as [number];
  const port = await listen(reserved);
  return {
    port,
    cut,
    async restore() {
      if (!server) await listen(port);
    },
    stop: cut,
  };
}

/** A proxy in front of a database's server, and the database's URL through it: `proxy.cut()` is a database outage. */
export async function proxyDatabaseUrl(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const url = new URL(databaseUrl);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || '5432') });
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}
