import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AssignmentEvents } from '../assignments/assignment-events.js';
import type { Assignment } from '../assignments/assignment.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { type AgentSession, AgentSessionRegistry } from './agent-session-registry.js';

/** Sends agents their assignments: every current one when a stream opens, then each change as it is stored. */
@Injectable()
export class AssignmentPusher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agents');
  private subscription: Subscription | undefined;

  constructor(
    private readonly registry: AgentSessionRegistry,
    private readonly assignments: AssignmentsService,
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
    for (const row of rows) {
      if (row.active) session.send({ kind: 'assignment', assignment: row });
      else if (row.ackedGeneration < row.generation) session.send({ kind: 'unassignment', assignment: row });
    }
    session.send({ kind: 'assignments-complete', apps: rows.filter((r) => r.active).map((r) => r.appName) });
  }

  /** Sends a changed assignment to its cluster's agent, if connected here. */
  private push(assignment: Assignment): Promise<void> {
    const session = this.registry.get(assignment.clusterName);
    if (!session) return Promise.resolve();
    if (!assignment.active) {
      session.send({ kind: 'unassignment', assignment });
      return Promise.resolve();
    }
    session.send({ kind: 'assignment', assignment });
    return Promise.resolve();
  }
}
