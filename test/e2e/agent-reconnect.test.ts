import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from './fleet.js';

/** The agent's default reconnect backoff maximum (FLOTILLA_RECONNECT_BACKOFF_MAX_MS). */
const BACKOFF_MAX_MS = 5_000;
/** On top of the cap: grpc-js's ±20 % jitter around it, and the time a try itself takes on a busy machine (TCP, TLS, the hub's hello). */
const MARGIN_MS = 3_000;
/** Longer than grpc-js's own backoff needs to grow past the cap: 1 s · 1.6^n passes 5 s after about 10 s of tries. */
const OUTAGE_MS = 35_000;

/**
 * A TCP relay between the agent and the hub that notes when the agent dials: each connection is one try to reach the
 * hub. While the hub is stopped, the relay's dial to it is refused and the agent's connection is closed at once.
 */
async function startDialRecorder(hubAddress: () => string): Promise<{ address: string; dials: number[]; openToHub(): number; close(): Promise<void> }> {
  const dials: number[] = [];
  const sockets = new Set<Socket>();
  const agentSides = new Set<Socket>();
  const server: Server = createServer((agentSide) => {
    dials.push(Date.now());
    agentSides.add(agentSide);
    agentSide.on('close', () => agentSides.delete(agentSide));
    const [host, port] = hubAddress().split(':') as [string, string];
    const hubSide = connect(Number(port), host);
    for (const socket of [agentSide, hubSide]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    agentSide.pipe(hubSide).pipe(agentSide);
    hubSide.on('close', () => agentSide.destroy());
    agentSide.on('close', () => hubSide.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    dials,
    openToHub: () => [...agentSides].filter((socket) => !socket.destroyed).length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('agent reconnects within seconds of the hub coming back', () => {
  let fleet: Fleet;
  let recorder: Awaited<ReturnType<typeof startDialRecorder>>;

  beforeAll(async () => {
    let hubAddress = '';
    recorder = await startDialRecorder(() => hubAddress);
    fleet = await startFleet({
      clusters: { 'eu-1': { env: 'prod' } },
      files: { 'app/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello\n' },
      agentEnv: { FLOTILLA_HUB_ADDRESS: recorder.address },
    });
    hubAddress = fleet.hub.grpcAddress;
  });
  afterAll(async () => {
    await fleet?.stop();
    await recorder?.close();
  });

  it('tries the hub at least every backoff maximum while it is down, and is connected within that maximum of its return', async () => {
    const agent = await fleet.startAgent('eu-1');
    await expect.poll(() => agent.connection.isConnected, { timeout: 30_000 }).toBe(true);

    await fleet.stopHub();
    const downAt = Date.now();
    await expect.poll(() => agent.connection.isConnected, { timeout: 10_000 }).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await fleet.startHub();
    const backAt = Date.now();
    await expect.poll(() => agent.connection.isConnected, { timeout: BACKOFF_MAX_MS + MARGIN_MS, interval: 50 }).toBe(true);
    const reconnectedAfterMs = Date.now() - backAt;

    // The gaps between tries while the hub was away: grpc-js's own schedule would have grown them past 15 s by now.
    const tries = recorder.dials.filter((at) => at >= downAt && at <= backAt);
    const gaps = tries.slice(1).map((at, i) => at - (tries[i] as number));
    expect(tries.length).toBeGreaterThanOrEqual(OUTAGE_MS / (BACKOFF_MAX_MS + MARGIN_MS));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(BACKOFF_MAX_MS + MARGIN_MS);
    expect(backAt - (tries.at(-1) as number)).toBeLessThanOrEqual(BACKOFF_MAX_MS + MARGIN_MS);
    expect(reconnectedAfterMs).toBeLessThanOrEqual(BACKOFF_MAX_MS + MARGIN_MS);
    // The channels dropped on the way left no connection behind: the agent holds one, its stream's.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(recorder.openToHub()).toBe(1);
  }, 120_000);
});
