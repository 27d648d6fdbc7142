import { createServer, get, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePorts } from './free-ports.js';
import { type LoadBalancer, startLoadBalancer } from './load-balancer.js';

/** A tiny HTTP server answering its own name, which can be stopped (its open connections reset) and started again. */
function namedServer(name: string, port: number) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    start: () =>
      new Promise<void>((resolve) => {
        server = createServer((_, res) => res.end(name));
        server.on('connection', (socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (server) server.close(() => resolve());
        else resolve();
        server = undefined;
      }),
  };
}

/** One GET on a new connection (no keep-alive: in TCP mode a kept connection stays with its server). */
function answerOf(address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`http://${address}/`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const answers = async (address: string, count: number): Promise<string[]> => {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) seen.push(await answerOf(address));
  return seen;
};

describe('startLoadBalancer (haproxy)', () => {
  let balancer: LoadBalancer;
  let servers: Array<ReturnType<typeof namedServer>>;

  beforeAll(async () => {
    const ports = await findFreePorts(2);
    servers = ports.map((port, i) => namedServer(`server-${i}`, port));
    await Promise.all(servers.map((server) => server.start()));
    balancer = await startLoadBalancer({ frontends: [{ name: 'http', backends: ports.map((port) => `127.0.0.1:${port}`) }] });
  });
  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(servers?.map((server) => server.stop()) ?? []);
  });

  it('spreads new connections over both servers', async () => {
    expect(balancer.address('http')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new Set(await answers(balancer.address('http'), 6))).toEqual(new Set(['server-0', 'server-1']));
  });

  it('takes a dead server out within a second, sending every request to the live one meanwhile, and takes it back once it answers', async () => {
    expect(await balancer.backendsUp('http')).toEqual([true, true]);
    await servers[1]?.stop();
    const stoppedAt = Date.now();
    // Until the health check notices, a connection sent to the dead server is redispatched: none fails.
    expect(await answers(balancer.address('http'), 6)).toEqual(Array(6).fill('server-0'));
    await expect.poll(() => balancer.backendsUp('http'), { timeout: 5_000, interval: 50 }).toEqual([true, false]);
    expect(Date.now() - stoppedAt).toBeLessThan(1_500);
    await servers[1]?.start();
    await expect.poll(() => balancer.backendsUp('http'), { timeout: 5_000, interval: 50 }).toEqual([true, true]);
    expect(new Set(await answers(balancer.address('http'), 6))).toEqual(new Set(['server-0', 'server-1']));
  });

  it('refuses a frontend without backends, before starting anything', async () => {
    await expect(startLoadBalancer({ frontends: [{ name: 'empty', backends: [] }] })).rejects.toThrow(/has no backends/);
  });
});
