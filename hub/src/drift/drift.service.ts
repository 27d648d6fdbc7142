import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isJsonEqual } from '@flotilla/core';
import { merge, type Subscription } from 'rxjs';
import { AppEvents } from '../apps/app-events.js';
import { AssignmentEvents } from '../assignments/assignment-events.js';
import { ClusterEvents } from '../clusters/cluster-events.js';
import { type FindOptionsWhere, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { decodeContinue, type Page, toPage } from '../common/page.js';
import { DriftEvents } from './drift-events.js';
import { DriftRecord } from './drift-record.entity.js';
import type { AgentDriftReport, DriftedObjectReport, DriftObjectRef } from './drift-report.js';

/** Filters of a drift listing. */
export interface DriftQuery {
  app?: string;
  cluster?: string;
  kind?: string;
  namespace?: string;
  limit: number;
  continue?: string;
}

/** Drifted objects of one App on one cluster. */
export interface DriftCount {
  cluster: string;
  app: string;
  count: number;
}

/** The id of a drift record: `cluster/app/group/kind/namespace/name` (no part can hold a `/`). */
export function driftRecordId(cluster: string, app: string, ref: Pick<DriftObjectRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${cluster}/${app}/${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

const refOf = (record: DriftRecord): DriftObjectRef => ({ group: record.apiGroup, version: record.version, kind: record.kind, namespace: record.namespace, name: record.name });

function isSameDrift(stored: DriftRecord | undefined, next: DriftRecord): boolean {
  return (
    stored !== undefined &&
    stored.deleted === next.deleted &&
    stored.manager === next.manager &&
    stored.action === next.action &&
    stored.corrections === next.corrections &&
    stored.generation === next.generation &&
    (stored.changedAt?.getTime() ?? null) === (next.changedAt?.getTime() ?? null) &&
    isJsonEqual(stored.diffs, next.diffs)
  );
}

/**
 * Drift per cluster and App: what agents report is drifted now (a record per object), cleared as they report objects
 * matching again or send a full report without them. Each change is announced as a `drift` event (for the status
 * stream); corrections and fights go to the audit log.
 */
@Injectable()
export class DriftService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('drift');
  private subscription: Subscription | undefined;

  constructor(
    @InjectRepository(DriftRecord) private readonly records: Repository<DriftRecord>,
    private readonly events: DriftEvents,
    private readonly audit: AuditService,
    private readonly appEvents: AppEvents,
    private readonly clusterEvents: ClusterEvents,
    private readonly assignmentEvents: AssignmentEvents,
  ) {}

  onApplicationBootstrap(): void {
    // Drift of an App a cluster no longer runs means nothing any more.
    this.subscription = merge(this.appEvents.events, this.clusterEvents.events, this.assignmentEvents.events).subscribe((event) => {
      const forget = (where: { app?: string; cluster?: string }) => void this.forget(where).catch((error: Error) => this.logger.error({ msg: 'forgetting drift failed', ...where, error: error.message }));
      if (event.kind === 'app' && event.type === 'removed') forget({ app: event.app.name });
      if (event.kind === 'cluster' && event.type === 'removed') forget({ cluster: event.cluster.name });
      if (event.kind === 'assignment' && !event.assignment.active) forget({ app: event.assignment.appName, cluster: event.assignment.clusterName });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Stores a drift report of an App on a cluster; returns whether anything changed. */
  async record(cluster: string, report: AgentDriftReport): Promise<boolean> {
    const { app } = report;
    const stored = new Map((await this.records.findBy({ clusterName: cluster, appName: app })).map((r) => [r.id, r]));
    const now = new Date();
    const reported = report.objects.map((object) => this.toRecord(cluster, app, report.generation, object, now));
    const changed = reported.filter((record) => !isSameDrift(stored.get(record.id), record));
    const reportedIds = new Set(reported.map((r) => r.id));
    const cleared = report.full
      ? [...stored.values()].filter((r) => !reportedIds.has(r.id))
      : report.cleared.map((ref) => stored.get(driftRecordId(cluster, app, ref))).filter((r): r is DriftRecord => r !== undefined && !reportedIds.has(r.id));
    if (changed.length === 0 && cleared.length === 0) return false;

    if (changed.length > 0) await this.records.save(changed, { chunk: 200 });
    for (let i = 0; i < cleared.length; i += 200) await this.records.delete(cleared.slice(i, i + 200).map((r) => r.id));
    this.events.publish({ kind: 'drift', cluster, app, objects: changed, cleared: cleared.map(refOf) });
    await this.auditActions(cluster, app, changed, stored);
    return true;
  }

  /** Drifted objects, ordered by cluster, app and object, filtered. */
  async list(query: DriftQuery): Promise<Page<DriftRecord>> {
    const where: FindOptionsWhere<DriftRecord> = {};
    if (query.app) where.appName = query.app;
    if (query.cluster) where.clusterName = query.cluster;
    if (query.kind) where.kind = query.kind;
    if (query.namespace !== undefined) where.namespace = query.namespace;
    const after = decodeContinue(query.continue);
    if (after !== undefined) where.id = MoreThan(after);
    const rows = await this.records.find({ where, order: { id: 'ASC' }, take: query.limit + 1 });
    return toPage(rows, query.limit, (row) => row.id);
  }

  /** Drifted objects per cluster and App, only where there are any. */
  async counts(where: { app?: string; cluster?: string } = {}): Promise<DriftCount[]> {
    const query = this.records.createQueryBuilder('d').select('d.clusterName', 'cluster').addSelect('d.appName', 'app').addSelect('COUNT(*)', 'count');
    if (where.app) query.andWhere('d.appName = :app', { app: where.app });
    if (where.cluster) query.andWhere('d.clusterName = :cluster', { cluster: where.cluster });
    const rows = await query.groupBy('d.clusterName').addGroupBy('d.appName').getRawMany<{ cluster: string; app: string; count: string | number }>();
    return rows.map((row) => ({ cluster: row.cluster, app: row.app, count: Number(row.count) }));
  }

  /** Drifted objects of one App on one cluster. */
  count(app: string, cluster: string): Promise<number> {
    return this.records.countBy({ appName: app, clusterName: cluster });
  }

  /** Forgets the drift of a removed App or cluster, or of an App a cluster no longer runs. */
  async forget(where: { app?: string; cluster?: string }): Promise<void> {
    const criteria = { ...(where.app ? { appName: where.app } : {}), ...(where.cluster ? { clusterName: where.cluster } : {}) };
    const gone = await this.records.findBy(criteria);
    if (gone.length === 0) return;
    await this.records.delete(criteria);
    const byApp = new Map<string, DriftRecord[]>();
    for (const record of gone) {
      const key = `${record.clusterName}/${record.appName}`;
      byApp.set(key, [...(byApp.get(key) ?? []), record]);
    }
    for (const records of byApp.values()) {
      const { clusterName: cluster, appName: app } = records[0] as DriftRecord;
      this.events.publish({ kind: 'drift', cluster, app, objects: [], cleared: records.map(refOf) });
    }
  }

  private toRecord(cluster: string, app: string, generation: number, object: DriftedObjectReport, now: Date): DriftRecord {
    return this.records.create({
      id: driftRecordId(cluster, app, object.object),
      clusterName: cluster,
      appName: app,
      apiGroup: object.object.group,
      version: object.object.version,
      kind: object.object.kind,
      namespace: object.object.namespace,
      name: object.object.name,
      deleted: object.deleted,
      diffs: object.diffs,
      manager: object.manager,
      changedAt: object.changedAt,
      detectedAt: object.detectedAt,
      action: object.action,
      corrections: object.corrections,
      generation,
      updatedAt: now,
    });
  }

  /** Corrections and fights are operations on the fleet: they go to the audit log. */
  private async auditActions(cluster: string, app: string, changed: DriftRecord[], stored: Map<string, DriftRecord>): Promise<void> {
    for (const record of changed) {
      const before = stored.get(record.id);
      const details = { cluster, object: toObjectId(record), paths: record.diffs.map((d) => d.path), deleted: record.deleted, manager: record.manager, corrections: record.corrections };
      if (record.action === 'corrected' && record.corrections > (before?.action === 'corrected' ? before.corrections : 0)) {
        await this.audit.record({ actor: `agent:${cluster}`, action: 'drift.correct', target: `app/${app}`, result: 'success', details });
      } else if (record.action === 'fighting' && before?.action !== 'fighting') {
        await this.audit.record({ actor: `agent:${cluster}`, action: 'drift.fight', target: `app/${app}`, result: 'failure', details });
      }
    }
  }
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function toObjectId(ref: Pick<DriftObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
