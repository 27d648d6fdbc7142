import { Injectable, Logger } from '@nestjs/common';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { AgentDriftReport } from '../drift/drift-report.js';
import { DriftService } from '../drift/drift.service.js';
import type { AgentReport } from '../status/agent-report.js';
import { StatusService } from '../status/status.service.js';
import { AgentCommands } from './agent-commands.service.js';
import type { AgentMessage } from './agent-messages.js';
import { AgentPresence } from './agent-presence.js';
import type { AgentSession } from './agent-session-registry.js';
import { StreamClosed } from './stream-closed.js';

/**
 * Hands each message of an open agent stream to the service it concerns: heartbeats to the presence, acks to the
 * assignments, reports to status and drift, command results to the commands. The dispatch is exhaustive: a new kind
 * of message does not build until it is handled here.
 */
@Injectable()
export class AgentMessageRouter {
  private readonly logger = new Logger('agents');

  constructor(
    private readonly presence: AgentPresence,
    private readonly assignments: AssignmentsService,
    private readonly statuses: StatusService,
    private readonly drift: DriftService,
    private readonly commands: AgentCommands,
  ) {}

  /** Handles one message after the stream's hello. */
  async route(session: AgentSession, message: AgentMessage): Promise<void> {
    const { cluster } = session;
    switch (message.kind) {
      case 'heartbeat':
        this.presence.heartbeat(session, message.sequence);
        return;
      case 'ack':
        return this.ack(cluster, message.app, message.generation);
      case 'status':
        return this.status(cluster, message.report);
      case 'malformed-status':
        this.logger.warn({ msg: 'malformed status report ignored', cluster, problems: message.problems.join('; ') });
        return;
      case 'drift':
        return this.driftReport(cluster, message.report);
      case 'command-result':
        return this.commands.recordResult(cluster, message);
      case 'hello':
        throw new StreamClosed('invalid-argument', 'AgentHello may only be the first message of a stream');
      case 'unknown':
        return;
      default:
        return message satisfies never;
    }
  }

  private async ack(cluster: string, app: string, generation: number): Promise<void> {
    const outcome = await this.assignments.recordAck(app, cluster, generation);
    if (outcome === 'unknown') this.logger.warn({ msg: 'ack of a generation the hub never issued', cluster, app, generation });
  }

  /** Stores a report on an app assigned to the cluster, of a generation the hub issued; others are ignored. */
  private async status(cluster: string, report: AgentReport): Promise<void> {
    const { app, generation, revision } = report;
    const assignment = await this.assignments.find(app, cluster);
    if (!assignment) {
      this.logger.warn({ msg: 'report on an app not assigned to the cluster ignored', cluster, app, generation, revision });
      return;
    }
    if (generation > assignment.generation) {
      this.logger.warn({ msg: 'report of a generation the hub never issued ignored', cluster, app, generation, revision });
      return;
    }
    await this.statuses.record(cluster, report);
  }

  /** Stores drift of an app the cluster runs now. */
  private async driftReport(cluster: string, report: AgentDriftReport): Promise<void> {
    const assignment = await this.assignments.find(report.app, cluster);
    if (!assignment?.active) return;
    await this.drift.record(cluster, report);
  }
}
