import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Injection token of this process's {@link Replica}. */
export const REPLICA = Symbol('REPLICA');

/**
 * This hub process among the replicas sharing its database. The id is new on every start, so a restarted replica is
 * never mistaken for the one that held a lease or an agent's stream before it died.
 */
export interface Replica {
  /** `<host>/<pid>/<random>`: unique per start, readable in logs, leases and the clusters table. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
}

/** The identity of this process, made once at start. */
export function newReplica(): Replica {
  const host = hostname().slice(0, 80);
  return { id: `${host}/${process.pid}/${randomBytes(4).toString('hex')}`, host, pid: process.pid };
}
