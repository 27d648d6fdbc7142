import { Controller, Get, Param, Query } from '@nestjs/common';
import { type AppStatusView, type ClusterStatusView, type HistoryPage, type HistoryQuery, historyQuerySchema, OPERATIONS } from '@flotilla/api';
import { AppsService } from '../apps/apps.service.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { DriftService } from '../drift/drift.service.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toHistoryView, toStatusView } from './status-view.js';
import { StatusService } from './status.service.js';

/** Status per app (by cluster) and per cluster (by app), and history. */
@Controller('api/v1')
export class StatusController {
  constructor(
    private readonly status: StatusService,
    private readonly assignments: AssignmentsService,
    private readonly apps: AppsService,
    private readonly clusters: ClustersService,
    private readonly drift: DriftService,
  ) {}

  @Get('apps/:name/status')
  @ApiOperationOf(OPERATIONS.getAppStatus)
  async appStatus(@Param('name') name: string): Promise<AppStatusView> {
    await this.apps.get(name);
    const [assignments, statuses, drift] = await Promise.all([this.assignments.summariesForApp(name), this.status.forApp(name), this.drift.counts({ app: name })]);
    const byCluster = new Map(statuses.map((s) => [s.clusterName, s]));
    const assignmentOn = new Map(assignments.map((a) => [a.clusterName, a]));
    const drifted = new Map(drift.map((d) => [d.cluster, d.count]));
    const clusters = [...new Set([...assignments.filter((a) => a.active).map((a) => a.clusterName), ...byCluster.keys()])].sort();
    const items = clusters.map((cluster) => toStatusView(name, cluster, assignmentOn.get(cluster), byCluster.get(cluster), drifted.get(cluster) ?? 0));
    const driftedObjects = items.reduce((sum, i) => sum + i.driftedObjects, 0);
    return { app: name, clusters: items.length, inSync: items.filter((i) => i.inSync).length, driftedObjects, items };
  }

  @Get('clusters/:name/status')
  @ApiOperationOf(OPERATIONS.getClusterStatus)
  async clusterStatus(@Param('name') name: string): Promise<ClusterStatusView> {
    await this.clusters.get(name);
    const [assignments, statuses, drift] = await Promise.all([this.assignments.allForCluster(name), this.status.forCluster(name), this.drift.counts({ cluster: name })]);
    const byApp = new Map(statuses.map((s) => [s.appName, s]));
    const drifted = new Map(drift.map((d) => [d.app, d.count]));
    const apps = [...new Set([...assignments.filter((a) => a.active).map((a) => a.appName), ...byApp.keys()])].sort();
    const assignmentOf = new Map(assignments.map((a) => [a.appName, a]));
    const items = apps.map((app) => toStatusView(app, name, assignmentOf.get(app), byApp.get(app), drifted.get(app) ?? 0));
    return { cluster: name, driftedObjects: items.reduce((sum, i) => sum + i.driftedObjects, 0), items };
  }

  @Get('apps/:name/history')
  @ApiOperationOf(OPERATIONS.listAppHistory)
  async history(@Param('name') name: string, @Query(new ZodPipe(historyQuerySchema, 'query')) query: HistoryQuery): Promise<HistoryPage> {
    await this.apps.get(name);
    const page = await this.status.listHistory(name, query);
    return { ...page, items: page.items.map(toHistoryView) };
  }
}
