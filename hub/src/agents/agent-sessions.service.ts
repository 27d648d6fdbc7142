import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Metadata, status } from '@grpc/grpc-js';
import type { AgentHello, AgentMessage, HubMessage } from '@flotilla/proto';
import { concatMap, from, Observable, type Subscriber, type Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import type { Assignment } from '../assignments/assignment.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { AuditService } from '../audit/audit.service.js';
import { bearerToken } from '../auth/bearer-token.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { DriftService } from '../drift/drift.service.js';
import { HubEvents } from '../events/hub-events.js';
import { GrpcError } from '../grpc/grpc-error.js';
import { ClusterCredentials, type CredentialChange } from '../identity/cluster-credentials.service.js';
import { SourceSecrets } from '../secrets/source-secrets.js';
import { Source, type StoredGitCredentials } from '../sources/source.entity.js';
import { StatusService } from '../status/status.service.js';
import { HUB_VERSION } from '../version.js';
import { fromDriftReport } from './drift-wire-mapping.js';
import { findReportProblems } from './report-problems.js';
import { fromStatusReport, now, toAssignmentMessage, toUnassignmentMessage } from './wire-mapping.js';

/** How often open streams' credentials are read again (rotations and revocations made on other replicas). */
const CREDENTIAL_CHECK_INTERVAL_MS = 5_000;

/** One open agent stream. */
interface AgentSession {
  readonly id: number;
  readonly cluster: string;
  /** Hash of the credential the stream authenticated with, and when that credential stops working (null: never). */
  readonly credentialHash: string;
  credentialExpiresAt: number | null;
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
  private readonly burstCredentials = new Map<string, Promise<StoredGitCredentials | null>>();
  private nextId = 1;
  private subscription: Subscription | undefined;
  private credentialSubscription: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private credentialsCheckedAt = 0;

  constructor(
    private readonly clusters: ClustersService,
    private readonly assignments: AssignmentsService,
    private readonly statuses: StatusService,
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    private readonly events: HubEvents,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly drift: DriftService,
    private readonly credentials: ClusterCredentials,
    private readonly secrets: SourceSecrets,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.events.events.subscribe((event) => {
      if (event.kind === 'assignment') {
        this.push(event.assignment).catch((error: Error) => this.logger.error(`sending app ${event.assignment.appName} to cluster ${event.assignment.clusterName}: ${error.message}`));
      }
      if (event.kind === 'cluster' && event.type === 'removed') {
        this.sessions.get(event.cluster.name)?.close(new GrpcError(status.PERMISSION_DENIED, `cluster "${event.cluster.name}" was removed from the hub`));
      }
    });
    this.credentialSubscription = this.credentials.changes.subscribe((change) => void this.followCredentials(change));
    this.sweeper = setInterval(() => void this.sweep(), Math.min(1000, this.config.heartbeatTimeoutMs / 3));
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    this.credentialSubscription?.unsubscribe();
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

  /** Sends a message to a cluster's agent if its stream is open on this replica; false otherwise. */
  sendTo(cluster: string, message: HubMessage): boolean {
    const session = this.sessions.get(cluster);
    session?.send(message);
    return session !== undefined;
  }

  /** The cluster a call's bearer credential belongs to. */
  private async authenticate(metadata: Metadata): Promise<{ cluster: string; hash: string; expiresAt: Date | null }> {
    const token = bearerToken(metadata.get('authorization')[0]);
    if (!token) throw new GrpcError(status.UNAUTHENTICATED, 'missing credential: send "authorization: Bearer <cluster credential>"');
    const check = await this.credentials.authenticate(token);
    if ('refused' in check) throw new GrpcError(status.UNAUTHENTICATED, check.refused);
    return check;
  }

  private async open(
    identity: { cluster: string; hash: string; expiresAt: Date | null },
    first: AgentMessage,
    subscriber: Subscriber<HubMessage>,
    finish: (error?: unknown) => void,
  ): Promise<AgentSession> {
    const { cluster } = identity;
    const hello: AgentHello | null | undefined = first.hello;
    if (!hello) throw new GrpcError(status.INVALID_ARGUMENT, 'the first message of a stream must be AgentHello');
    if (hello.cluster !== cluster) {
      throw new GrpcError(status.PERMISSION_DENIED, `credential belongs to cluster "${cluster}", not "${hello.cluster}"`);
    }
    const session: AgentSession = {
      id: this.nextId++,
      cluster,
      credentialHash: identity.hash,
      credentialExpiresAt: identity.expiresAt?.getTime() ?? null,
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
    const sources = new Map<string, Promise<StoredGitCredentials | null>>();
    for (const row of rows) {
      if (row.active) session.send(toAssignmentMessage(row, await this.credentialsOf(row, sources)));
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
      const problems = findReportProblems(message.status);
      if (problems.length > 0) {
        this.logger.warn(`cluster ${cluster} sent a malformed status report; ignored: ${problems.join('; ')}`);
        return;
      }
      const assignment = await this.assignments.find(message.status.app, cluster);
      if (!assignment) {
        this.logger.warn(`cluster ${cluster} reported on app ${message.status.app}, which is not assigned to it; ignored`);
        return;
      }
      if (Number(message.status.generation) > assignment.generation) {
        this.logger.warn(`cluster ${cluster} reported generation ${message.status.generation} of app ${message.status.app}, which the hub never issued; ignored`);
        return;
      }
      await this.statuses.record(cluster, fromStatusReport(message.status));
    } else if (message.hello) {
      throw new GrpcError(status.INVALID_ARGUMENT, 'AgentHello may only be the first message of a stream');
    } else if (message.commandResult) {
      const { id, ok, error } = message.commandResult;
      this.logger.log(`cluster ${cluster} finished command ${id}: ${ok ? 'ok' : error?.message}`);
      await this.audit.record({
        actor: `agent:${cluster}`,
        action: 'agent.command.result',
        target: `cluster/${cluster}`,
        result: ok ? 'success' : 'failure',
        details: { id: String(id).slice(0, 64), ...(ok ? {} : { code: error?.code ?? '', message: String(error?.message ?? '').slice(0, 500) }) },
      });
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
    if (!assignment.active) {
      session.send(toUnassignmentMessage(assignment));
      return;
    }
    // Assignments are published in bursts (a chunk of an app's fleet at once): one read of the source serves a burst.
    if (this.burstCredentials.size === 0) queueMicrotask(() => this.burstCredentials.clear());
    session.send(toAssignmentMessage(assignment, await this.credentialsOf(assignment, this.burstCredentials)));
  }

  /** The Git credentials of an assignment's source, opened for this cluster's agent only; `cache` is by source. */
  private credentialsOf(assignment: Assignment, cache: Map<string, Promise<StoredGitCredentials | null>>): Promise<StoredGitCredentials | null> {
    let credentials = cache.get(assignment.sourceName);
    if (!credentials) {
      credentials = this.sources.findOneBy({ name: assignment.sourceName }).then((source) => (source ? this.secrets.openCredentials(source) : null));
      cache.set(assignment.sourceName, credentials);
    }
    return credentials;
  }

  /** Follows a rotation (the session's credential now expires) or a revocation (the stream closes at once). */
  private async followCredentials(change: CredentialChange): Promise<void> {
    const session = this.sessions.get(change.cluster);
    if (!session) return;
    if (change.type === 'revoked') {
      session.close(new GrpcError(status.UNAUTHENTICATED, `the credential of cluster "${change.cluster}" was revoked`));
      return;
    }
    try {
      const expiry = await this.credentials.expiryOf(session.credentialHash);
      if (expiry === undefined) session.close(new GrpcError(status.UNAUTHENTICATED, `the credential of cluster "${change.cluster}" was revoked`));
      else session.credentialExpiresAt = expiry?.getTime() ?? null;
    } catch (error) {
      this.logger.error(`reading the credential expiry of cluster ${change.cluster}: ${(error as Error).message}`);
    }
  }

  private async release(session: AgentSession): Promise<void> {
    if (this.sessions.get(session.cluster) !== session) return;
    this.sessions.delete(session.cluster);
    this.logger.log(`agent disconnected: cluster ${session.cluster}`);
    await this.flushHeartbeats();
    await this.clusters.setConnection(session.cluster, { connected: false }).catch((error: Error) => this.logger.error(error.message));
  }

  /** Closes streams that missed their heartbeats or whose credential ended, and writes heartbeats in one batch. */
  private async sweep(): Promise<void> {
    if (Date.now() - this.credentialsCheckedAt >= CREDENTIAL_CHECK_INTERVAL_MS) await this.checkCredentials();
    const deadline = Date.now() - this.config.heartbeatTimeoutMs;
    for (const session of this.sessions.values()) {
      if (session.credentialExpiresAt !== null && session.credentialExpiresAt <= Date.now()) {
        session.close(new GrpcError(status.UNAUTHENTICATED, 'the credential of this stream expired (it was rotated): reconnect with the new one'));
      } else if (session.lastHeartbeatAt < deadline) {
        session.close(new GrpcError(status.DEADLINE_EXCEEDED, `no heartbeat for ${this.config.heartbeatTimeoutMs} ms`));
      }
    }
    await this.flushHeartbeats();
  }

  /** Re-reads the credentials of open streams: rotations and revocations made on another replica reach them here. */
  private async checkCredentials(): Promise<void> {
    this.credentialsCheckedAt = Date.now();
    const sessions = [...this.sessions.values()];
    if (sessions.length === 0) return;
    try {
      const expiries = await this.credentials.expiries(sessions.map((session) => session.credentialHash));
      for (const session of sessions) {
        const expiry = expiries.get(session.credentialHash);
        if (expiry === undefined) session.close(new GrpcError(status.UNAUTHENTICATED, `the credential of cluster "${session.cluster}" was revoked`));
        else session.credentialExpiresAt = expiry?.getTime() ?? null;
      }
    } catch (error) {
      this.logger.error(`checking the credentials of open streams: ${(error as Error).message}`);
    }
  }

  private async flushHeartbeats(): Promise<void> {
    if (this.pendingHeartbeats.size === 0) return;
    const beats = new Map(this.pendingHeartbeats);
    this.pendingHeartbeats.clear();
    await this.clusters.recordHeartbeats(beats).catch((error: Error) => this.logger.error(`writing heartbeats: ${error.message}`));
  }
}
