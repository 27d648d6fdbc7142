import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import { AuditService } from '../audit/audit.service.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { ReplicaCalls } from '../replicas/replica-calls.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import type { AgentCommand } from './agent-messages.js';
import { AgentSessionRegistry } from './agent-session-registry.js';

/**
 * Imperative messages to a cluster's connected agent (credential rotations, commands), each recorded in the audit log.
 * An agent's stream is held by one hub replica: a message for an agent connected to another replica is handed to
 * that replica (through the fleet event log), which sends it.
 */
@Injectable()
export class AgentCommands implements OnApplicationBootstrap {
  private readonly logger = new Logger('agents');

  constructor(
    private readonly sessions: AgentSessionRegistry,
    private readonly credentials: ClusterCredentials,
    private readonly clusters: ClustersService,
    private readonly calls: ReplicaCalls,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.calls.handle('agent.rotate-credential', async ({ cluster, actor }: { cluster: string; actor: string }) => {
      const { previousExpiresAt } = await this.rotateHere(cluster, actor);
      return { previousExpiresAt: previousExpiresAt.toISOString() };
    });
    this.calls.handle('agent.command', ({ cluster, id, command }: { cluster: string; id: string; command: AgentCommand }) =>
      Promise.resolve({ sent: this.sessions.sendTo(cluster, { kind: 'command', id, command }) }),
    );
  }

  /**
   * Sends a rotated credential to a cluster's connected agent; the one it uses keeps working for the grace period.
   * FAILED_PRECONDITION when its agent is not connected to any replica: a rotation travels over the stream.
   */
  async rotateCredential(cluster: string, actor: string): Promise<{ previousExpiresAt: Date }> {
    if (this.sessions.isConnected(cluster)) return this.rotateHere(cluster, actor);
    const holder = await this.holderOf(cluster);
    if (holder === undefined) throw this.notConnected(cluster, 'a rotation is sent over its stream; revoke and issue a new join token instead');
    const { previousExpiresAt } = await this.calls.call<{ previousExpiresAt: string }>(holder, 'agent.rotate-credential', { cluster, actor });
    return { previousExpiresAt: new Date(previousExpiresAt) };
  }

  /**
   * Sends a command to a cluster's connected agent (on whichever replica holds its stream) and records it in the audit
   * log (its CommandResult is recorded when it comes back). FAILED_PRECONDITION when the agent is not connected.
   * Returns the command id.
   */
  async send(cluster: string, command: AgentCommand, actor: string): Promise<string> {
    const kind = Object.keys(command).find((key) => command[key as keyof typeof command] != null) ?? 'unknown';
    const id = randomUUID();
    const record = { actor, action: `agent.command.${kind}`.slice(0, 64), target: `cluster/${cluster}`, details: { id, command } };
    let sent = this.sessions.sendTo(cluster, { kind: 'command', id, command });
    if (!sent) {
      const holder = await this.holderOf(cluster);
      if (holder !== undefined) sent = (await this.calls.call<{ sent: boolean }>(holder, 'agent.command', { cluster, id, command })).sent;
    }
    if (!sent) {
      await this.audit.record({ ...record, result: 'failure', details: { ...record.details, code: 'FAILED_PRECONDITION' } });
      throw this.notConnected(cluster, 'commands are sent over its stream');
    }
    await this.audit.record({ ...record, result: 'success' });
    return id;
  }

  /** Whether a cluster's agent is connected to a hub replica (this one or another). */
  async isConnected(cluster: string): Promise<boolean> {
    return this.sessions.isConnected(cluster) || (await this.holderOf(cluster)) !== undefined;
  }

  /** The other replica that holds a cluster's stream, if any. */
  private async holderOf(cluster: string): Promise<string | undefined> {
    const row = await this.clusters.find(cluster);
    return row?.connected && row.replica && row.replica !== this.calls.replica ? row.replica : undefined;
  }

  private async rotateHere(cluster: string, actor: string): Promise<{ previousExpiresAt: Date }> {
    if (!this.sessions.isConnected(cluster)) throw this.notConnected(cluster, 'a rotation is sent over its stream; revoke and issue a new join token instead');
    const { credential, previousExpiresAt } = await this.credentials.rotate(cluster, actor);
    this.sessions.sendTo(cluster, { kind: 'credential-rotation', credential, previousExpiresAt });
    return { previousExpiresAt };
  }

  private notConnected(cluster: string, why: string): FlotillaError {
    return new FlotillaError('FAILED_PRECONDITION', `the agent of cluster "${cluster}" is not connected to the hub: ${why}`, { data: { cluster } });
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
