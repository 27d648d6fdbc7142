import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import { AuditService } from '../audit/audit.service.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import type { AgentCommand } from './agent-messages.js';
import { AgentSessionRegistry } from './agent-session-registry.js';

/** Imperative messages to a connected agent (credential rotations, commands), each recorded in the audit log. */
@Injectable()
export class AgentCommands {
  private readonly logger = new Logger('agents');

  constructor(
    private readonly sessions: AgentSessionRegistry,
    private readonly credentials: ClusterCredentials,
    private readonly audit: AuditService,
  ) {}

  /**
   * Sends a rotated credential to a cluster's connected agent; the one it uses keeps working for the grace period.
   * FAILED_PRECONDITION when its agent is not connected to this replica: a rotation travels over the stream.
   */
  async rotateCredential(cluster: string, actor: string): Promise<{ previousExpiresAt: Date }> {
    if (!this.sessions.isConnected(cluster)) {
      throw new FlotillaError(
        'FAILED_PRECONDITION',
        `the agent of cluster "${cluster}" is not connected (to this hub replica): a rotation is sent over its stream; revoke and issue a new join token instead`,
        { data: { cluster } },
      );
    }
    const { credential, previousExpiresAt } = await this.credentials.rotate(cluster, actor);
    this.sessions.sendTo(cluster, { kind: 'credential-rotation', credential, previousExpiresAt });
    return { previousExpiresAt };
  }

  /**
   * Sends a command to a cluster's connected agent and records it in the audit log (its CommandResult is recorded
   * when it comes back). FAILED_PRECONDITION when the agent is not connected here. Returns the command id.
   */
  async send(cluster: string, command: AgentCommand, actor: string): Promise<string> {
    const kind = Object.keys(command).find((key) => command[key as keyof typeof command] != null) ?? 'unknown';
    const id = randomUUID();
    const record = { actor, action: `agent.command.${kind}`.slice(0, 64), target: `cluster/${cluster}`, details: { id, command } };
    if (!this.sessions.sendTo(cluster, { kind: 'command', id, command })) {
      await this.audit.record({ ...record, result: 'failure', details: { ...record.details, code: 'FAILED_PRECONDITION' } });
      throw new FlotillaError('FAILED_PRECONDITION', `the agent of cluster "${cluster}" is not connected to this hub replica`, { data: { cluster } });
    }
    await this.audit.record({ ...record, result: 'success' });
    return id;
  }

  /** Records what an agent reports of a command it ran. */
  async recordResult(cluster: string, result: { id: string; ok: boolean; error: { code: string; message: string } | null }): Promise<void> {
    const { id, ok, error } = result;
    this.logger.log({ msg: 'agent finished a command', cluster, command: id, ok, ...(ok ? {} : { error: error?.message }) });
    await this.audit.record({
      actor: `agent:${cluster}`,
      action: 'agent.command.result',
      target: `cluster/${cluster}`,
      result: ok ? 'success' : 'failure',
      details: { id: String(id).slice(0, 64), ...(ok ? {} : { code: error?.code ?? '', message: String(error?.message ?? '').slice(0, 500) }) },
    });
  }
}
