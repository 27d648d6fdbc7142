import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ClustersService } from '../clusters/clusters.service.js';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import { HUB_VERSION } from '../common/version.js';
import type { HubConfig } from '../config/hub-config.js';
import type { AgentSession } from './agent-session-registry.js';
import { AgentSessionRegistry } from './agent-session-registry.js';
import { StreamClosed } from './stream-closed.js';

/**
 * Whether each cluster's agent is there: records connections and disconnections on the cluster, answers heartbeats
 * (written in batches), and closes streams that missed theirs.
 */
@Injectable()
export class AgentPresence implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agents');
  private readonly pendingHeartbeats = new Map<string, Date>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: AgentSessionRegistry,
    private readonly clusters: ClustersService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(1000, this.config.heartbeatTimeoutMs / 3));
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.flushHeartbeats();
  }

  /** An agent said hello on a new stream: its cluster is connected, and the hub says hello back. */
  async connected(session: AgentSession, hello: { agentVersion: string; kubernetesVersion: string; droppedReports?: number }): Promise<void> {
    const { cluster } = session;
    await this.clusters.setConnection(cluster, { connected: true, agentVersion: hello.agentVersion, kubernetesVersion: hello.kubernetesVersion, heartbeatAt: new Date() });
    this.logger.log({ msg: 'agent connected', cluster, agentVersion: hello.agentVersion || 'unknown' });
    // Status and history of this cluster may miss what those reports said; the agent's next reports are complete again.
    if (hello.droppedReports) this.logger.warn({ msg: 'agent dropped reports while it could not reach the hub (its outbox was full)', cluster, droppedReports: hello.droppedReports });
    session.send({
      kind: 'hello',
      cluster,
      hubVersion: HUB_VERSION,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      heartbeatTimeoutMs: this.config.heartbeatTimeoutMs,
      serverTime: new Date(),
    });
  }

  /** A heartbeat: answered at once, written with the next batch. */
  heartbeat(session: AgentSession, sequence: number): void {
    session.lastHeartbeatAt = Date.now();
    this.pendingHeartbeats.set(session.cluster, new Date(session.lastHeartbeatAt));
    session.send({ kind: 'heartbeat-ack', sequence, receivedAt: new Date() });
  }

  /**
   * A stream ended: unless a newer one of its cluster is open here, or its agent has connected to another replica
   * meanwhile, the cluster is disconnected.
   */
  async disconnected(session: AgentSession): Promise<void> {
    if (!this.registry.remove(session)) return;
    this.logger.log({ msg: 'agent disconnected', cluster: session.cluster });
    await this.flushHeartbeats();
    try {
      const recorded = await this.clusters.setConnection(session.cluster, { connected: false });
      // Its agent is connected to another replica already: that replica's record stands.
      if (!recorded) this.logger.log({ msg: 'agent is connected to another replica; its disconnection here is not recorded', cluster: session.cluster });
    } catch (error) {
      this.logger.error({ msg: 'recording the disconnection failed', cluster: session.cluster, error: (error as Error).message });
    }
  }

  /** Closes streams that missed their heartbeats, and writes heartbeats in one batch. */
  private async sweep(): Promise<void> {
    const deadline = Date.now() - this.config.heartbeatTimeoutMs;
    for (const session of this.registry.all()) {
      if (session.lastHeartbeatAt < deadline) session.close(new StreamClosed('heartbeat-missed', `no heartbeat for ${this.config.heartbeatTimeoutMs} ms`));
    }
    await this.flushHeartbeats();
  }

  private async flushHeartbeats(): Promise<void> {
    if (this.pendingHeartbeats.size === 0) return;
    const beats = new Map(this.pendingHeartbeats);
    this.pendingHeartbeats.clear();
    await this.clusters.recordHeartbeats(beats).catch((error: Error) => this.logger.error({ msg: 'writing heartbeats failed', error: error.message }));
  }
}
