import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ClusterEvents } from '../clusters/cluster-events.js';
import { EventLog } from '../replicas/event-log.js';
import type { HubMessage } from './agent-messages.js';
import { StreamClosed } from './stream-closed.js';

/** One open agent stream. */
export interface AgentSession {
  readonly id: number;
  readonly cluster: string;
  /** Hash of the credential the stream authenticated with, and when that credential stops working (null: never). */
  readonly credentialHash: string;
  credentialExpiresAt: number | null;
  lastHeartbeatAt: number;
  send(message: HubMessage): void;
  close(error?: StreamClosed): void;
}

/** The log topic of removed clusters, whose streams the replica holding them closes. */
const CLUSTER_REMOVED_TOPIC = 'cluster-removed';

/** The agent streams open on this replica: one per cluster, a newer connection replacing an older one. */
@Injectable()
export class AgentSessionRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sessions = new Map<string, AgentSession>();
  private nextId = 1;
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly clusterEvents: ClusterEvents,
    private readonly log: EventLog,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriptions.push(
      this.clusterEvents.events.subscribe((event) => {
        if (event.type !== 'removed') return;
        this.closeRemoved(event.cluster.name);
        this.log.tellOthers({ topic: CLUSTER_REMOVED_TOPIC, cluster: event.cluster.name, payload: {} });
      }),
      this.log.fromOthers(CLUSTER_REMOVED_TOPIC).subscribe((entry) => {
        if (entry.cluster !== null) this.closeRemoved(entry.cluster);
      }),
    );
  }

  private closeRemoved(cluster: string): void {
    this.sessions.get(cluster)?.close(new StreamClosed('permission-denied', `cluster "${cluster}" was removed from the hub`));
  }

  beforeApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const session of this.sessions.values()) session.close(new StreamClosed('shutting-down', 'hub is shutting down; reconnect'));
  }

  /** Number of open agent streams on this replica. */
  get openStreams(): number {
    return this.sessions.size;
  }

  /** Whether a cluster's agent is connected to this replica. */
  isConnected(cluster: string): boolean {
    return this.sessions.has(cluster);
  }

  /** The open stream of a cluster, if any. */
  get(cluster: string): AgentSession | undefined {
    return this.sessions.get(cluster);
  }

  /** Every open stream. */
  all(): AgentSession[] {
    return [...this.sessions.values()];
  }

  /** Registers a new stream of a cluster, closing the one it replaces. */
  add(fields: Omit<AgentSession, 'id'>): AgentSession {
    const session: AgentSession = { id: this.nextId++, ...fields };
    this.sessions.get(session.cluster)?.close(new StreamClosed('replaced', `replaced by a newer connection of cluster "${session.cluster}"`));
    this.sessions.set(session.cluster, session);
    return session;
  }

  /** Forgets a stream that ended; false when a newer stream of its cluster had replaced it already. */
  remove(session: AgentSession): boolean {
    if (this.sessions.get(session.cluster) !== session) return false;
    this.sessions.delete(session.cluster);
    return true;
  }

  /** Sends a message to a cluster's agent if its stream is open on this replica; false otherwise. */
  sendTo(cluster: string, message: HubMessage): boolean {
    const session = this.sessions.get(cluster);
    session?.send(message);
    return session !== undefined;
  }
}
