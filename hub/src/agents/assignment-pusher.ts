import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { TickBatcher } from '../common/tick-batcher.js';
import { EventLog, type LogEntry } from '../replicas/event-log.js';
import { ASSIGNMENT_LOG_TOPIC, AssignmentEvents } from '../assignments/assignment-events.js';
import type { Assignment } from '../assignments/assignment.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { type AgentSession, AgentSessionRegistry } from './agent-session-registry.js';

/**
 * Sends agents their assignments: every current one when a stream opens, then each change as it is stored. With
 * replicas, a change is stored with an entry of the fleet event log; the replica holding the cluster's stream reads
 * the assignment as stored now and sends it (level-triggered: the latest generation, whatever it missed).
 */
@Injectable()
export class AssignmentPusher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agents');
  private subscriptions: Subscription[] = [];
  /** Changes stored on other replicas for streams held here, by app and then cluster, sent once per tick. */
  private remote = new Map<string, Set<string>>();
  private remoteScheduled = false;
  /** The assignments of every stream that opened in one turn, read at once (agents connect in bursts). */
  private readonly forNewStreams = new TickBatcher<string, Assignment[]>((clusters) => this.assignments.allForClusters(clusters), []);

  constructor(
    private readonly registry: AgentSessionRegistry,
    private readonly assignments: AssignmentsService,
    private readonly events: AssignmentEvents,
    private readonly log: EventLog,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriptions.push(
      this.events.events.subscribe(({ assignment }) => this.push(assignment)),
      this.log.fromOthers<{ generation: number }>(ASSIGNMENT_LOG_TOPIC).subscribe((entry) => this.followRemote(entry)),
    );
  }

  beforeApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Sends a new stream every assignment of its cluster (and removals not acked yet), then AssignmentsComplete. */
  async sendAll(session: AgentSession): Promise<void> {
    const rows = await this.forNewStreams.load(session.cluster);
    for (const row of rows) {
      if (row.active) session.send({ kind: 'assignment', assignment: row });
      else if (row.ackedGeneration < row.generation) session.send({ kind: 'unassignment', assignment: row });
    }
    session.send({ kind: 'assignments-complete', apps: rows.filter((r) => r.active).map((r) => r.appName) });
  }

  /** Sends a changed assignment to its cluster's agent, if connected here. */
  private push(assignment: Assignment): void {
    const session = this.registry.get(assignment.clusterName);
    if (!session) return;
    session.send(assignment.active ? { kind: 'assignment', assignment } : { kind: 'unassignment', assignment });
  }

  /** Notes a change stored on another replica whose cluster's stream is held here; the rows are read once per tick. */
  private followRemote(entry: LogEntry<{ generation: number }>): void {
    if (entry.app === null || entry.cluster === null || !this.registry.isConnected(entry.cluster)) return;
    let clusters = this.remote.get(entry.app);
    if (!clusters) this.remote.set(entry.app, (clusters = new Set()));
    clusters.add(entry.cluster);
    if (this.remoteScheduled) return;
    this.remoteScheduled = true;
    setImmediate(() => {
      this.remoteScheduled = false;
      const batch = this.remote;
      this.remote = new Map();
      void this.pushStored(batch);
    });
  }

  private async pushStored(batch: Map<string, Set<string>>): Promise<void> {
    for (const [app, clusters] of batch) {
      try {
        for (const assignment of await this.assignments.forAppOn(app, [...clusters])) this.push(assignment);
      } catch (error) {
        // The agent gets every assignment again when it reconnects; until then it runs what it has.
        this.logger.error({ msg: 'reading assignments changed on another replica failed', app, clusters: clusters.size, error: (error as Error).message });
      }
    }
  }
}
