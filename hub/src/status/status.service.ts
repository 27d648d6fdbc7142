import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { merge, type Subscription } from 'rxjs';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { AppEvents } from '../apps/app-events.js';
import { Assignment } from '../assignments/assignment.entity.js';
import { ClusterEvents } from '../clusters/cluster-events.js';
import { decodeIdContinue, type Page, toPage } from '../common/page.js';
import type { AgentReport } from './agent-report.js';
import { ClusterAppStatus } from './cluster-app-status.entity.js';
import { HistoryEntry } from './history-entry.entity.js';
import { StatusEvents } from './status-events.js';
import type { HistoryOutcome } from './status-types.js';

/** How many history entries are kept per app and cluster. */
export const HISTORY_LIMIT = 50;

/** Stores what agents report: the latest status per app and cluster, and a bounded history. */
@Injectable()
export class StatusService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('status');
  private subscription: Subscription | undefined;
  constructor(
    @InjectRepository(ClusterAppStatus) private readonly statuses: Repository<ClusterAppStatus>,
    @InjectRepository(HistoryEntry) private readonly history: Repository<HistoryEntry>,
    private readonly events: StatusEvents,
    private readonly appEvents: AppEvents,
    private readonly clusterEvents: ClusterEvents,
  ) {}

  onApplicationBootstrap(): void {
    // What a removed app or cluster reported is of no use any more; its history goes with it.
    this.subscription = merge(this.appEvents.events, this.clusterEvents.events).subscribe((event) => {
      const forget = (where: { app?: string; cluster?: string }): void => {
        // A hub closing while it forgets must not turn the lost delete into an unhandled rejection.
        this.forget(where).catch((error: Error) => this.logger.warn({ msg: 'forgetting statuses failed', ...where, error: error.message }));
      };
      if (event.kind === 'app' && event.type === 'removed') forget({ app: event.app.name });
      if (event.kind === 'cluster' && event.type === 'removed') forget({ cluster: event.cluster.name });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Stores a report once (a report resent after a reconnect is ignored); returns false when it was a repeat. */
  async record(cluster: string, report: AgentReport): Promise<boolean> {
    const previous = await this.statuses.findOneBy({ appName: report.app, clusterName: cluster });
    if (previous?.lastReportId === report.reportId && report.reportId !== '') return false;
    if (previous && report.generation < previous.generation) return false;
    // A resync that applied nothing leaves the change set of the reconcile that did (and its duration) in place.
    const isResync = report.nothingApplied === true && previous !== null && previous.generation === report.generation && previous.revision === report.revision;
    const status = this.statuses.create({
      appName: report.app,
      clusterName: cluster,
      generation: report.generation,
      revision: report.revision,
      phase: report.phase,
      health: report.health,
      changes: isResync ? previous.changes : report.changes,
      errors: report.errors,
      durationMs: isResync ? previous.durationMs : report.durationMs,
      inventory: report.inventory,
      lastReportId: report.reportId,
      updatedAt: new Date(),
    });
    await this.statuses.save(status);
    await this.appendHistory(cluster, report, previous, { mayAdd: !isResync });
    this.events.publish({ kind: 'status', status });
    return true;
  }

  /** Latest status of every cluster of an app. */
  forApp(app: string): Promise<ClusterAppStatus[]> {
    return this.statuses.find({ where: { appName: app }, order: { clusterName: 'ASC' } });
  }

  /** Latest status of an app on some clusters. */
  forAppOn(app: string, clusters: readonly string[]): Promise<ClusterAppStatus[]> {
    return this.statuses.find({ where: { appName: app, clusterName: In([...clusters]) } });
  }

  /** Every history entry of an app, newest first. */
  historyOf(app: string): Promise<HistoryEntry[]> {
    return this.history.find({ where: { appName: app }, order: { id: 'DESC' } });
  }

  /** Active assignments by the phase their cluster last reported (Pending while none), for the fleet metrics. */
  async countActiveByPhase(): Promise<Map<string, number>> {
    const rows = await this.statuses.manager
      .createQueryBuilder(Assignment, 'a')
      .leftJoin(ClusterAppStatus, 's', 's.appName = a.appName AND s.clusterName = a.clusterName')
      .select("COALESCE(s.phase, 'Pending')", 'phase')
      .addSelect('COUNT(*)', 'count')
      .where('a.active = :active', { active: true })
      .groupBy("COALESCE(s.phase, 'Pending')")
      .getRawMany<{ phase: string; count: string | number }>();
    return new Map(rows.map((row) => [row.phase, Number(row.count)]));
  }

  /** Whether a cluster's history names an artifact (its agent may fetch it again, to roll back). */
  historyNamesArtifact(cluster: string, digest: string): Promise<boolean> {
    return this.history.existsBy({ clusterName: cluster, artifactDigest: digest });
  }

  /** Latest status of every app on a cluster. */
  forCluster(cluster: string): Promise<ClusterAppStatus[]> {
    return this.statuses.find({ where: { clusterName: cluster }, order: { appName: 'ASC' } });
  }

  /** Every status (the status stream's snapshot). */
  all(): Promise<ClusterAppStatus[]> {
    return this.statuses.find({ order: { appName: 'ASC', clusterName: 'ASC' } });
  }

  /** History of an app, newest first, optionally for one cluster. */
  async listHistory(app: string, query: { cluster?: string; limit: number; continue?: string }): Promise<Page<HistoryEntry>> {
    const after = decodeIdContinue(query.continue);
    const rows = await this.history.find({
      where: { appName: app, ...(query.cluster ? { clusterName: query.cluster } : {}), ...(after !== undefined ? { id: LessThan(after) } : {}) },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => String(row.id));
  }

  /** Forgets what a removed cluster or app reported. */
  async forget(where: { app?: string; cluster?: string }): Promise<void> {
    const criteria = { ...(where.app ? { appName: where.app } : {}), ...(where.cluster ? { clusterName: where.cluster } : {}) };
    await this.statuses.delete(criteria);
    await this.history.delete(criteria);
  }

  /**
   * One entry per reconcile of a generation: a new one when a reconcile starts (the revision or generation changed, or
   * the last one of this generation had ended), updated as that reconcile's outcome becomes known (progressing, then
   * healthy or degraded). A resync that applied nothing (`mayAdd` false) adds none; it may only end one left progressing.
   */
  private async appendHistory(cluster: string, report: AgentReport, previous: ClusterAppStatus | null, options: { mayAdd: boolean }): Promise<void> {
    const outcome = outcomeOf(report);
    if (outcome === null) return;
    const last = await this.history.findOne({ where: { appName: report.app, clusterName: cluster }, order: { id: 'DESC' } });
    const isSameGeneration = last !== null && last.revision === report.revision && last.generation === report.generation;
    if (isSameGeneration && last.outcome === outcome) return;
    if (isSameGeneration && last.outcome === 'progressing') {
      await this.history.update(last.id, { outcome, ...(options.mayAdd ? { changes: report.changes } : {}), ...(report.errors[0] ? { message: report.errors[0].message } : {}) });
      return;
    }
    if (!options.mayAdd) return;
    const message = report.rollback
      ? `rolled back from ${report.rollback.failedRevision}: ${report.rollback.reason}`
      : (report.errors[0]?.message ?? (previous?.revision === report.revision ? '' : `from ${previous?.revision || 'nothing'}`));
    // The artifact that generation applied, so a rollback can name it and retention keeps it.
    const assignment = await this.statuses.manager.findOneBy(Assignment, { appName: report.app, clusterName: cluster });
    await this.history.insert({
      appName: report.app,
      clusterName: cluster,
      revision: report.revision,
      generation: report.generation,
      artifactDigest: assignment?.generation === report.generation ? assignment.artifactDigest : null,
      outcome,
      changes: report.changes,
      message,
      createdAt: new Date(),
    });
    const stale = await this.history.find({
      where: { appName: report.app, clusterName: cluster },
      order: { id: 'DESC' },
      skip: HISTORY_LIMIT,
      select: { id: true },
    });
    if (stale.length > 0) await this.history.delete(stale.map((row) => row.id));
  }
}

/** The history outcome a report stands for; null while the reconcile is still under way. */
function outcomeOf(report: AgentReport): HistoryOutcome | null {
  switch (report.phase) {
    case 'Synced':
      return report.health === 'Healthy' ? 'healthy' : report.health === 'Degraded' ? 'degraded' : report.health === 'Progressing' ? 'progressing' : 'synced';
    case 'Failed':
      return 'failed';
    case 'RolledBack':
      return 'rolled-back';
    case 'Pending':
    case 'Fetching':
    case 'Applying':
    case 'Unknown':
      return null;
    default:
      return report.phase satisfies never;
  }
}
