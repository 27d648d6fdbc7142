import * as grpc from '@grpc/grpc-js';
import { type AgentMessage, AgentServiceClient, Health, type HubMessage, type JoinResponse, Phase, type StatusReport } from '@flotilla/proto';

/** A status report of a reconcile that synced and is healthy, with no changes; `fields` name the app and override the rest. */
export function syncedReport(fields: Pick<StatusReport, 'app' | 'generation' | 'revision'> & Partial<StatusReport>): StatusReport {
  return {
    reportId: `${fields.app}-${fields.generation}-${Math.random()}`,
    phase: Phase.PHASE_SYNCED,
    health: Health.HEALTH_HEALTHY,
    changes: [],
    errors: [],
    durationMs: 1,
    inventory: [],
    nothingApplied: false,
    ...fields,
  };
}

/** A real grpc-js client speaking AgentService.Connect, as an agent would, for hub tests. */
export class TestAgent {
  readonly received: HubMessage[] = [];
  status: grpc.StatusObject | undefined;
  private readonly client: AgentServiceClient;
  private readonly call: grpc.ClientDuplexStream<AgentMessage, HubMessage>;
  private waiters: Array<() => void> = [];
  private heartbeats: NodeJS.Timeout | undefined;
  private healthyReports: NodeJS.Timeout | undefined;

  constructor(address: string, credential: string, channelCredentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(), options: grpc.ClientOptions = {}) {
    this.client = new AgentServiceClient(address, channelCredentials, options);
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${credential}`);
    this.call = this.client.connect(metadata);
    this.call.on('data', (message: HubMessage) => {
      this.received.push(message);
      this.wake();
    });
    this.call.on('status', (status) => {
      this.status = status;
      clearInterval(this.heartbeats);
      clearInterval(this.healthyReports);
      this.wake();
    });
    this.call.on('error', () => undefined);
  }

  /** Exchanges a join token for the cluster's credential with AgentService.Join; rejects with the call's error. */
  static join(address: string, joinToken: string, cluster: string, channelCredentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()): Promise<string> {
    const client = new AgentServiceClient(address, channelCredentials);
    return new Promise<string>((resolve, reject) => {
      client.join({ joinToken, cluster, agentVersion: 'test' }, (error: grpc.ServiceError | null, response: JoinResponse) => {
        client.close();
        if (error) reject(error);
        else resolve(response.credential);
      });
    });
  }

  /** Downloads an artifact with AgentService.FetchArtifact as the cluster of `credential`: its chunks, in order. */
  static fetchArtifact(address: string, credential: string, digest: string): Promise<Buffer[]> {
    const client = new AgentServiceClient(address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${credential}`);
    const chunks: Buffer[] = [];
    return new Promise<Buffer[]>((resolve, reject) => {
      const call = client.fetchArtifact({ digest }, metadata);
      call.on('data', (chunk: { data: Buffer }) => chunks.push(chunk.data));
      call.on('error', (error) => {
        client.close();
        reject(error);
      });
      call.on('end', () => {
        client.close();
        resolve(chunks);
      });
    });
  }

  /** Connects and says hello as the given cluster. */
  static connect(address: string, credential: string, cluster: string, channelCredentials?: grpc.ChannelCredentials, options?: grpc.ClientOptions): TestAgent {
    const agent = new TestAgent(address, credential, channelCredentials, options);
    agent.send({ hello: { cluster, agentVersion: 'test', kubernetesVersion: 'v1.36.3', assignments: [], bufferedReports: 0, droppedReports: 0, capabilities: [] } });
    return agent;
  }

  /**
   * Sends a heartbeat every `everyMs` from now on, as a real agent does, so that a slow step of a test (a busy machine)
   * is not taken for a dead agent. Their sequence numbers start at 1,000,000, apart from those a test sends itself.
   */
  keepAlive(everyMs: number): this {
    let sequence = 1_000_000;
    this.heartbeats = setInterval(() => this.send({ heartbeat: { sequence: sequence++ } }), everyMs);
    this.heartbeats.unref();
    return this;
  }

  /**
   * From now on, reports every assignment received as applied, Synced and Healthy (checked every 20 ms), as an agent
   * whose clusters always converge would, so that rollouts complete.
   */
  reportEverythingHealthy(): this {
    let seen = 0;
    this.healthyReports = setInterval(() => {
      for (; seen < this.received.length; seen++) {
        const assignment = this.received[seen]?.assignment;
        if (!assignment) continue;
        const generation = Number(assignment.generation);
        this.send({ status: syncedReport({ reportId: `${assignment.app}-${generation}`, app: assignment.app, generation, revision: assignment.revision }) });
      }
    }, 20);
    this.healthyReports.unref();
    return this;
  }

  send(message: AgentMessage): void {
    this.call.write(message);
  }

  /** The first message received (from `from` on) that matches, waiting up to `timeoutMs`. */
  async next(match: (m: HubMessage) => boolean, timeoutMs = 5000, from = 0): Promise<HubMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      if (this.status) throw new Error(`stream ended (${this.status.code}: ${this.status.details}) before a matching message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The status the stream ended with, waiting up to `timeoutMs`. */
  async ended(timeoutMs = 5000): Promise<grpc.StatusObject> {
    const deadline = Date.now() + timeoutMs;
    while (!this.status) {
      if (Date.now() > deadline) throw new Error('stream did not end');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.status;
  }

  /** Half-closes and waits for the stream to end. */
  async close(): Promise<void> {
    clearInterval(this.heartbeats);
    clearInterval(this.healthyReports);
    if (!this.status) {
      this.call.end();
      await this.ended().catch(() => this.call.cancel());
    }
    this.client.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
