import { Injectable } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import type { AppSyncView, SyncAppBody } from '@flotilla/api';
import { AppsService } from '../apps/apps.service.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AgentCommands } from './agent-commands.service.js';

/** "Sync now": asks the agents of an app's target clusters to reconcile it at once (the ReconcileNow command). */
@Injectable()
export class AppSync {
  constructor(
    private readonly apps: AppsService,
    private readonly assignments: AssignmentsService,
    private readonly commands: AgentCommands,
    private readonly audit: AuditService,
  ) {}

  /**
   * Sends ReconcileNow to the connected agents of the app's target clusters (or of those named, which must all be
   * targets: INVALID_ARGUMENT naming the others, and nothing is sent). An agent not connected is listed as not sent.
   */
  async sync(appName: string, body: SyncAppBody, actor: string): Promise<AppSyncView> {
    await this.apps.get(appName);
    const requestedAt = new Date();
    const targets = (await this.assignments.activeForApp(appName)).map((assignment) => assignment.clusterName);
    const chosen = body.clusters ? [...new Set(body.clusters)] : targets;
    const strangers = chosen.filter((cluster) => !targets.includes(cluster));
    if (strangers.length > 0) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        `clusters: ${strangers.map((c) => `"${c}"`).join(', ')} ${strangers.length === 1 ? 'is not a target' : 'are not targets'} of app "${appName}" (its targets: ${targets.join(', ') || 'none'})`,
        { data: { app: appName, clusters: strangers } },
      );
    }
    const clusters: AppSyncView['clusters'] = [];
    for (const cluster of chosen) {
      const command = (await this.commands.isConnected(cluster)) ? await this.commands.send(cluster, { reconcileNow: { app: appName } }, actor).catch(() => null) : null;
      clusters.push({ cluster, sent: command !== null, command });
    }
    await this.audit.record({
      actor,
      action: 'app.sync',
      target: `app/${appName}`,
      result: 'success',
      details: { sent: clusters.filter((c) => c.sent).map((c) => c.cluster), notConnected: clusters.filter((c) => !c.sent).map((c) => c.cluster) },
    });
    return { app: appName, requestedAt: requestedAt.toISOString(), clusters };
  }
}
