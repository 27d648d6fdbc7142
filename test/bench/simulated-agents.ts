import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Simulated agents (plain grpc-js AgentService streams, fanout-worker.mjs) in worker processes, driven over IPC: the
// fanout and replicas benchmarks connect them to a hub and time when each receives an Assignment of a new revision.

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Worker processes a fleet of simulated agents is spread over, unless told otherwise. */
export const WORKERS = 4;

/** A simulated agent: its cluster and the join token it exchanges for a credential. */
export interface SimulatedAgent {
  cluster: string;
  joinToken: string;
}

type WorkerReply = { type: string; message?: string; times?: number[]; missing?: number; port?: number; streams?: number };

/** Sends a message to a child and waits for its reply of the given type. */
export function ask(child: ChildProcess, message: object, reply: string, timeoutMs = 600_000): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${reply}' from child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: WorkerReply) => {
      if (m.type !== reply && m.type !== 'error') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (m.type === 'error') reject(new Error(m.message));
      else resolve(m);
    };
    child.on('message', onMessage);
    if (Object.keys(message).length > 0) child.send(message);
  });
}

/**
 * Starts `workerCount` workers, joins their agents at `address`, then connects them all; returns the workers and the
 * times. With several addresses (hub replicas), worker i uses address i mod their number.
 */
export async function connectAll(
  address: string | readonly string[],
  agents: SimulatedAgent[],
  workerCount = WORKERS,
): Promise<{ workers: ChildProcess[]; joinMs: number; joinedAfterMs: number[]; connectMs: number }> {
  const addresses = typeof address === 'string' ? [address] : address;
  const workers = Array.from({ length: workerCount }, () => fork(join(here, 'fanout-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    const joinStarted = performance.now();
    const joinStartedAt = Date.now();
    const joined = await Promise.all(workers.map((w, i) => ask(w, { type: 'join', address: addresses[i % addresses.length], agents: agents.filter((_, j) => j % workerCount === i) }, 'joined')));
    const joinMs = Math.round(performance.now() - joinStarted);
    // When each join ended, from the start, in order: joinedAfterMs[k - 1] is when k agents had joined.
    const joinedAfterMs = joined.flatMap((reply) => reply.times ?? []).map((at) => at - joinStartedAt).sort((a, b) => a - b);
    const connectStarted = performance.now();
    await Promise.all(workers.map((w) => ask(w, { type: 'connect' }, 'connected')));
    return { workers, joinMs, joinedAfterMs, connectMs: Math.round(performance.now() - connectStarted) };
  } catch (error) {
    // The caller never gets the workers: they are stopped here rather than left running.
    stopAll(workers);
    throw error;
  }
}

/** Makes the revision each agent of these workers holds now the one to leave: the next `collect` times the next one. */
export async function rearm(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => ask(w, { type: 'rearm' }, 'rearmed')));
}

/** Latencies (ms) from `startedAt` (wall clock) until every agent saw the new revision, waiting up to `timeoutMs`. */
export async function collect(workers: ChildProcess[], count: number, startedAt: number, timeoutMs: number, intervalMs = 100): Promise<{ latencies: number[]; missing: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replies = await Promise.all(workers.map((w) => ask(w, { type: 'collect' }, 'times')));
    const latencies = replies.flatMap((r) => (r.times ?? []).map((t) => t - startedAt));
    if (latencies.length >= count || Date.now() > deadline) return { latencies, missing: count - latencies.length };
    await sleep(intervalMs);
  }
}

/** Tells the workers (or baseline servers) to stop, and kills them 2 s later if they have not. */
export function stopAll(children: ChildProcess[]): void {
  for (const child of children) {
    if (child.connected) child.send({ type: 'stop' });
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  }
}
