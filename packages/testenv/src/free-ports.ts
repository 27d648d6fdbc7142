import { createServer, type Server } from 'node:net';

/** Picks `count` distinct free TCP ports on 127.0.0.1 by letting the kernel assign them (bind to port 0). */
export async function findFreePorts(count: number): Promise<number[]> {
  // All listeners stay open until every port is known, so the kernel cannot hand out the same port twice.
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listenOnAnyPort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function listenOnAnyPort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('free-ports: the listener reported no TCP address'));
    });
  });
}
