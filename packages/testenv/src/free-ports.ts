import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports are picked from here: below Linux's default ephemeral range (32768–60999), so the kernel never hands one of
 * them to a `listen(0)` or an outgoing connection of another test. A hub a test stops and starts again on the same
 * ports (to kill it, or keep it away for a while) finds them still free.
 */
const FIRST_PORT = 20_000;
const LAST_PORT = 32_767;

/** Where the test processes of this machine note the ports they took, one file per port holding the taker's pid. */
export const PORT_REGISTRY = join(tmpdir(), 'flotilla-test-ports');

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Notes `port` as this process's, unless a live process noted it first (a dead one's note is taken over). */
export function reservePort(port: number): boolean {
  const file = join(PORT_REGISTRY, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (owner === process.pid || (Number.isInteger(owner) && owner > 0 && isAlive(owner))) return false;
      try {
        unlinkSync(file);
      } catch {
        // Another process took the stale note over first; the next attempt sees whose it is now.
      }
    }
  }
  return false;
}

/** Whether nothing listens on 127.0.0.1:`port` now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Picks `count` distinct free TCP ports on 127.0.0.1 for servers a test starts (and may restart) itself. Each port is
 * noted as this process's for as long as it lives, so parallel test processes never pick the same one, and is taken
 * from below the ephemeral range, so no kernel-assigned port lands on it meanwhile.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  mkdirSync(PORT_REGISTRY, { recursive: true });
  const ports: number[] = [];
  const span = LAST_PORT - FIRST_PORT + 1;
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > span) throw new Error(`free-ports: no free port left between ${FIRST_PORT} and ${LAST_PORT}`);
    const port = FIRST_PORT + Math.floor(Math.random() * span);
    if (ports.includes(port) || !reservePort(port)) continue;
    if (await isFree(port)) ports.push(port);
  }
  return ports;
}
