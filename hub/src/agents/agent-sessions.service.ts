import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Metadata, status } from '@grpc/grpc-js';
import type { AgentHello, AgentMessage, HubMessage } from '@flotilla/proto';
import { concatMap, from, Observable, type Subscriber, type Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import type { Assignment } from '../assignments/assignment.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import { hashSecret } from '../common/secret-token.js';
import type { HubConfig } from '../config/hub-config.js';
import { DriftService } from '../drift/drift.service.js';
import { HubEvents } from '../events/hub-events.js';
import { GrpcError } from '../grpc/grpc-error.js';
import { Source } from '../sources/source.entity.js';
import { StatusService } from '../status/status.service.js';
import { HUB_VERSION } from '../version.js';
import { fromDriftReport } from './drift-wire-mapping.js';
import { fromStatusReport, now, toAssignmentMessage, toUnassignmentMessage } from './wire-mapping.js';

/** One open agent stream. */
interface AgentSession {
  readonly id: number;
  readonly cluster: string;
  lastHeartbeatAt: number;
  send(message: HubMessage): void;
  close(error?: GrpcError): void;
}

/**
 * The hub end of AgentService.Connect: authenticates each agent, sends it every current assignment and each change,
 * and stores its acks, heartbeats and reports. One session per cluster; a newer connection replaces an older one.
 */
@Injectable()
export class AgentSessions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agents');
  private readonly sessions = new Map<string, AgentSession>();
  private readonly pendingHeartbeats = new Map<string, Date>();
  private nextId = 1;
  private subscription: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly clusters: ClustersService,
    private readonly assignments: AssignmentsService,
    private readonly statuses: StatusService,
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    private readonly events: HubEvents,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly drift: DriftService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.events.events.subscribe((event) => {
      if (event.kind === 'assignment') void this.push(event.assignment);
      if (event.kind === 'cluster' && event.type === 'removed') {
        this.sessions.get(event.cluster.name)?.close(new GrpcError(status.PERMISSION_DENIED, `cluster "${event.cluster.name}" was removed from the hub`));
      }
    });
    this.sweeper = setInterval(() => void this.sweep(), Math.min(1000, this.config.heartbeatTimeoutMs / 3));
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    clearInterval(this.sweeper);
    for (const session of this.sessions.values()) session.close(new GrpcError(status.UNAVAILABLE, 'hub is shutting down; reconnect'));
    await this.flushHeartbeats();
  }

  /** Number of open agent streams on this replica. */
  get openStreams(): number {
    return this.sessions.size;
  }

  /** Whether a cluster's agent is connected to this replica. */
  isConnected(cluster: string): boolean {
    return this.sessions.has(cluster);
  }

  /** Serves one AgentService.Connect call. */
  connect(messages: Observable<AgentMessage>, metadata: Metadata): Observable<HubMessage> {
    return new Observable<HubMessage>((subscriber) => {
      const authenticated = this.authenticate(metadata);
      authenticated.catch(() => undefined);
      let session: AgentSession | undefined;
      let finished = false;
      const finish = (error?: unknown): void => {
        if (finished) return;
        finished = true;
        if (session) void this.release(session);
        if (error) subscriber.error(error instanceof GrpcError ? error : new GrpcError(status.INTERNAL, (error as Error).message));
        else subscriber.complete();
      };
      const incoming = messages
        .pipe(
          concatMap((message) =>
            from(
              (async () => {
                if (finished) return;
                if (!session) {
                  session = await this.open(await authenticated, message, subscriber, finish);
                  return;
                }
                await this.handle(session, message);
              })(),
            ),
          ),
        )
        .subscribe({ error: (error) => finish(error), complete: () => finish() });
      return () => {
        incoming.unsubscribe();
        finish();
      };
    });
  }

  /** The cluster a call's bearer credential belongs to. */
  private async authenticate(metadata: Metadata): Promise<string> {
    const header = metadata.get('authorization')[0];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token) throw new GrpcError(status.UNAUTHENTICATED, 'missing credential: send "authorization: Bearer <cluster credential>"');
    const cluster = await this.clusters.findByCredentialHash(hashSecret(token));
    if (!cluster) throw new GrpcError(status.UNAUTHENTICATED, 'unknown or revoked cluster credential');
    return cluster.name;
  }

  private async open(cluster: string, first: AgentMessage, subscriber: Subscriber<HubMessage>, finish: (error?: unknown) => void): Promise<AgentSession> {
    const hello: AgentHello | null | undefined = first.hello;
    if (!hello) throw new GrpcError(status.INVALID_ARGUMENT, 'the first message of a stream must be AgentHello');
    if (hello.cluster !== cluster) {
      throw new GrpcError(status.PERMISSION_DENIED, `credential belongs to cluster "${cluster}", not "${hello.cluster}"`);
    }
    const session: AgentSession = {
      id: this.nextId++,
      cluster,
      lastHeartbeatAt: Date.now(),
      send: (message) => subscriber.next(message),
      close: (error) => finish(error),
    };
    this.sessions.get(cluster)?.close(new GrpcError(status.ABORTED, `replaced by a newer connection of cluster "${cluster}"`));
    this.sessions.set(cluster, session);
    await this.clusters.setConnection(cluster, {
      connected: true,
      agentVersion: hello.agentVersion,
      kubernetesVersion: hello.kubernetesVersion,
      heartbeatAt: new Date(),
    });
    this.logger.log(`agent connected: cluster ${cluster}, agent ${hello.agentVersion || 'unknown'}`);
    session.send({
      hello: {
        cluster,
        hubVersion: HUB_VERSION,
        heartbeatIntervalMs: this.config.heartbeatIntervalMs,
        heartbeatTimeoutMs: this.config.heartbeatTimeoutMs,
        serverTime: now(),
        capabilities: [],
      },
    });
    const rows = await this.assignments.allForCluster(cluster);
    const sources = new Map<string, Source | null>();
    for (const row of rows) {
      if (row.active) session.send(toAssignmentMessage(row, await this.sourceOf(row, sources)));
      else if (row.ackedGeneration < row.generation) session.send(toUnassignmentMessage(row));
    }
    session.send({ assignmentsComplete: { apps: rows.filter((r) => r.active).map((r) => r.appName) } });
    return session;
  }

  private async handle(session: AgentSession, message: AgentMessage): Promise<void> {
    const { cluster } = session;
    if (message.heartbeat) {
      session.lastHeartbeatAt = Date.now();
      this.pendingHeartbeats.set(cluster, new Date(session.lastHeartbeatAt));
      session.send({ heartbeatAck: { sequence: message.heartbeat.sequence, receivedAt: now() } });
    } else if (message.ack) {
      const outcome = await this.assignments.recordAck(message.ack.app, cluster, Number(message.ack.generation));
      if (outcome === 'unknown') this.logger.warn(`cluster ${cluster} acked generation ${message.ack.generation} of app ${message.ack.app}, which the hub never issued`);
    } else if (message.status) {
      const assignment = await this.assignments.find(message.status.app, cluster);
      if (!assignment) {
        this.logger.warn(`cluster ${cluster} reported on app ${message.status.app}, which is not assigned to it; ignored`);
        return;
      }
      await this.statuses.record(cluster, fromStatusReport(message.status));
    } else if (message.hello) {
      throw new GrpcError(status.INVALID_ARGUMENT, 'AgentHello may only be the first message of a stream');
    } else if (message.commandResult) {
      this.logger.log(`cluster ${cluster} finished command ${message.commandResult.id}: ${message.commandResult.ok ? 'ok' : message.commandResult.error?.message}`);
    } else if (message.drift) {
      const assignment = await this.assignments.find(message.drift.app, cluster);
      if (!assignment?.active) return;
      await this.drift.record(cluster, fromDriftReport(message.drift));
    }
  }

  /** Sends a changed assignment to its cluster's agent, if connected here. */
  private async push(assignment: Assignment): Promise<void> {
    const session = this.sessions.get(assignment.clusterName);
    if (!session) return;
    if (assignment.active) session.send(toAssignmentMessage(assignment, await this.sourceOf(assignment, new Map())));
    else session.send(toUnassignmentMessage(assignment));
  }

  private async sourceOf(assignment: Assignment, cache: Map<string, Source | null>): Promise<Source | null> {
    if (!cache.has(assignment.sourceName)) cache.set(assignment.sourceName, await this.sources.findOneBy({ name: assignment.sourceName }));
    return cache.get(assignment.sourceName) ?? null;
  }

  private async release(session: AgentSession): Promise<void> {
    if (this.sessions.get(session.cluster) !== session) return;
    this.sessions.delete(session.cluster);
    this.logger.log(`agent disconnected: cluster ${session.cluster}`);
    await this.flushHeartbeats();
    await this.clusters.setConnection(session.cluster, { connected: false }).catch((error: Error) => this.logger.error(error.message));
  }

  /** Closes streams that missed their heartbeats, and writes heartbeats in one batch. */
  private async sweep(): Promise<void> {
    const deadline = Date.now() - this.config.heartbeatTimeoutMs;
    for (const session of this.sessions.values()) {
      if (session.lastHeartbeatAt < deadline) {
        session.close(new GrpcError(status.DEADLINE_EXCEEDED, `no heartbeat for ${this.config.heartbeatTimeoutMs} ms`));
      }
    }
    await this.flushHeartbeats();
  }

  private async flushHeartbeats(): Promise<void> {
    if (this.pendingHeartbeats.size === 0) return;
    const beats = new Map(this.pendingHeartbeats);
    this.pendingHeartbeats.clear();
    await this.clusters.recordHeartbeats(beats).catch((error: Error) => this.logger.error(`writing heartbeats: ${error.message}`));
  }
}
