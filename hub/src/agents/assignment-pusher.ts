import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AssignmentEvents } from '../assignments/assignment-events.js';
import type { Assignment } from '../assignments/assignment.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { StoredGitCredentials } from '../sources/source.entity.js';
import { SourcesService } from '../sources/sources.service.js';
import { type AgentSession, AgentSessionRegistry } from './agent-session-registry.js';

/** Credentials by source name, read once per burst or per stream opening. */
type CredentialCache = Map<string, Promise<StoredGitCredentials | null>>;

/** Sends agents their assignments: every current one when a stream opens, then each change as it is stored. */
@Injectable()
export class AssignmentPusher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agents');
  private readonly burstCredentials: CredentialCache = new Map();
  private subscription: Subscription | undefined;

  constructor(
    private readonly registry: AgentSessionRegistry,
    private readonly assignments: AssignmentsService,
    private readonly sources: SourcesService,
    private readonly events: AssignmentEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.events.events.subscribe(({ assignment }) => {
      this.push(assignment).catch((error: Error) =>
        this.logger.error({ msg: 'sending an assignment failed', cluster: assignment.clusterName, app: assignment.appName, generation: assignment.generation, error: error.message }),
      );
    });
  }

  beforeApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /** Sends a new stream every assignment of its cluster (and removals not acked yet), then AssignmentsComplete. */
  async sendAll(session: AgentSession): Promise<void> {
    const rows = await this.assignments.allForCluster(session.cluster);
    const cache: CredentialCache = new Map();
    for (const row of rows) {
      if (row.active) session.send({ kind: 'assignment', assignment: row, credentials: await this.credentialsOf(row, cache) });
      else if (row.ackedGeneration < row.generation) session.send({ kind: 'unassignment', assignment: row });
    }
    session.send({ kind: 'assignments-complete', apps: rows.filter((r) => r.active).map((r) => r.appName) });
  }

  /** Sends a changed assignment to its cluster's agent, if connected here. */
  private async push(assignment: Assignment): Promise<void> {
    const session = this.registry.get(assignment.clusterName);
    if (!session) return;
    if (!assignment.active) {
      session.send({ kind: 'unassignment', assignment });
      return;
    }
    // Assignments are published in bursts (a chunk of an app's fleet at once): one read of the source serves a burst.
    if (this.burstCredentials.size === 0) queueMicrotask(() => this.burstCredentials.clear());
    session.send({ kind: 'assignment', assignment, credentials: await this.credentialsOf(assignment, this.burstCredentials) });
  }

  /** The Git credentials of an assignment's source, opened for this cluster's agent only; `cache` is by source. */
  private credentialsOf(assignment: Assignment, cache: CredentialCache): Promise<StoredGitCredentials | null> {
    let credentials = cache.get(assignment.sourceName);
    if (!credentials) {
      credentials = this.sources.openCredentials(assignment.sourceName);
      cache.set(assignment.sourceName, credentials);
    }
    return credentials;
  }
}
