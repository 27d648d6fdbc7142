import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type StatusEvent, toTimestamp, type WatchRequest } from '@flotilla/proto';
import { concatMap, from, merge, Observable, Subject, type Subscription } from 'rxjs';
import { type AssignmentEvent, AssignmentEvents } from '../assignments/assignment-events.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { type ClusterEvent, ClusterEvents } from '../clusters/cluster-events.js';
import { type DriftEvent, DriftEvents } from '../drift/drift-events.js';
import { type RolloutEvent, RolloutEvents } from '../rollouts/rollout-events.js';
import { type StatusEvent as AppStatusEvent, StatusEvents } from '../status/status-events.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { toDriftEvent } from './drift-event-mapping.js';
import { DriftService } from '../drift/drift.service.js';
import { toRolloutEvent } from './rollout-event-mapping.js';
import { toAppClusterStatus, toAssignmentEvent, toClusterEvent, toClusterInfo } from './status-event-mapping.js';
import { StatusService } from '../status/status.service.js';
import { type AppRenderState, type RenderEvent, RenderEvents, RenderStatus } from '../rendering/render-status.js';
import { EventLog, type LogEntry } from '../replicas/event-log.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';

/** How long mapping an event to a message is tried again while the database is out of reach. */
const MAP_RETRY_MS = 30_000;

/** The log topic of the status stream's events, as each replica mapped the events of its own domains. */
export const STATUS_TOPIC = 'status';

/** The domain events the stream carries: assembled here, at the edge, from the channels of their domains. */
type FleetEvent = ClusterEvent | AssignmentEvent | AppStatusEvent | DriftEvent | RolloutEvent | RenderEvent;

/** What a status-stream entry of the event log holds: the message without its cursor (its log id is the cursor). */
type LoggedMessage = Omit<StatusEvent, 'cursor'>;

/** An event with what it concerns, for filtering. */
interface LoggedEvent {
  seq: number;
  cluster?: string;
  app?: string;
  message: StatusEvent;
}

/** The event channels the status stream follows. */
@Injectable()
export class StatusStreamChannels {
  constructor(
    readonly clusters: ClusterEvents,
    readonly assignments: AssignmentEvents,
    readonly statuses: StatusEvents,
    readonly drift: DriftEvents,
    readonly rollouts: RolloutEvents,
    readonly renders: RenderEvents,
  ) {}
}

/**
 * StatusService.Watch: a snapshot, then live events of the whole fleet. Each replica maps the events of its own
 * domains to messages and appends them to the fleet event log; every replica serves its watchers from that log, so a
 * watcher sees what happened on any replica, and its cursor (the log id) resumes on any replica for as long as the log
 * retains the events (FLOTILLA_EVENT_RETENTION_SECONDS); older cursors get a fresh snapshot.
 */
@Injectable()
export class StatusStream implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('status-stream');
  private readonly live = new Subject<LoggedEvent>();
  private watching = 0;
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly channels: StatusStreamChannels,
    private readonly log: EventLog,
    private readonly clusters: ClustersService,
    private readonly assignments: AssignmentsService,
    private readonly statuses: StatusService,
    private readonly drift: DriftService,
    private readonly renders: RenderStatus,
  ) {}

  onApplicationBootstrap(): void {
    // Events are mapped in order; a status event needs the assignment it answers, which is a lookup.
    // The channels publish synchronously, so merging them keeps the order in which the events happened.
    const { clusters, assignments, statuses, drift, rollouts, renders } = this.channels;
    const events = merge<FleetEvent[]>(clusters.events, assignments.events, statuses.events, drift.events, rollouts.events, renders.events);
    this.subscriptions.push(
      events.pipe(concatMap((event) => from(this.mapped(event)))).subscribe((messages) => {
        void this.log.append(...messages.map(({ message, cluster, app }) => ({ topic: STATUS_TOPIC, cluster, app, payload: message })));
      }),
      this.log.topic<LoggedMessage>(STATUS_TOPIC).subscribe((entry) => this.live.next(toLogged(entry))),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.live.complete();
  }

  /**
   * Maps an event, trying again while the database is out of reach (for up to MAP_RETRY_MS, holding the events after
   * it, which keep their order); an event that still cannot be mapped is left out, and said so in the log.
   */
  private async mapped(event: FleetEvent): Promise<Array<{ message: LoggedMessage; cluster?: string; app?: string }>> {
    for (let waited = 0, delay = 250; ; waited += delay, delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.toMessages(event);
      } catch (error) {
        if (!isDatabaseUnavailable(error) || waited >= MAP_RETRY_MS) {
          this.logger.error({ msg: 'an event could not be put on the status stream; watchers miss it', kind: event.kind, error: (error as Error).message });
          return [];
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Watch calls open on this replica. */
  get openWatches(): number {
    return this.watching;
  }

  /** Serves one Watch call; `internal` watchers (the hub's own metrics) are left out of openWatches. */
  watch(request: WatchRequest, options: { internal?: boolean } = {}): Observable<StatusEvent> {
    const counted = options.internal ? 0 : 1;
    const clusters = new Set(request.clusters ?? []);
    const apps = new Set(request.apps ?? []);
    const wanted = (e: { cluster?: string; app?: string }): boolean =>
      (clusters.size === 0 || e.cluster === undefined || clusters.has(e.cluster)) && (apps.size === 0 || e.app === undefined || apps.has(e.app));

    return new Observable<StatusEvent>((subscriber) => {
      this.watching += counted;
      // Subscribe to live events first and hold them while the snapshot is read, so nothing falls between the two.
      const held: LoggedEvent[] = [];
      let replaying = true;
      let lastSent = 0;
      const send = (logged: LoggedEvent): void => {
        if (logged.seq <= lastSent) return;
        lastSent = logged.seq;
        if (wanted(logged)) subscriber.next(logged.message);
      };
      const liveSubscription = this.live.subscribe({
        next: (logged) => (replaying ? held.push(logged) : send(logged)),
        complete: () => subscriber.complete(),
      });
      void (async () => {
        const resumeFrom = await this.resumable(request.resumeFrom ?? '');
        if (resumeFrom !== undefined) {
          lastSent = resumeFrom;
          for (let page = await this.log.read<LoggedMessage>(STATUS_TOPIC, resumeFrom); page.length > 0; page = await this.log.read<LoggedMessage>(STATUS_TOPIC, lastSent)) {
            for (const entry of page) send(toLogged(entry));
            if (subscriber.closed) return;
          }
        } else {
          const cursorAtSnapshot = this.log.lastDelivered;
          if (!request.skipSnapshot) {
            for (const message of await this.snapshot(wanted)) subscriber.next({ cursor: String(cursorAtSnapshot), time: toTimestamp(new Date()), ...message });
            subscriber.next({ cursor: String(cursorAtSnapshot), time: toTimestamp(new Date()), snapshotComplete: { reset: Boolean(request.resumeFrom) } });
          }
          lastSent = cursorAtSnapshot;
        }
        replaying = false;
        for (const logged of held.splice(0)) send(logged);
      })().catch((error: unknown) => subscriber.error(error));
      return () => {
        this.watching -= counted;
        liveSubscription.unsubscribe();
      };
    });
  }

  private async snapshot(wanted: (e: { cluster?: string; app?: string }) => boolean): Promise<Array<Omit<StatusEvent, 'cursor' | 'time'>>> {
    const messages: Array<Omit<StatusEvent, 'cursor' | 'time'>> = [];
    const clusters = (await this.clusters.all()).filter((c) => wanted({ cluster: c.name }));
    for (const cluster of clusters) messages.push({ clusterSnapshot: toClusterInfo(cluster) });
    for (const cluster of clusters) {
      const [assignments, statuses, drift] = await Promise.all([
        this.assignments.allForCluster(cluster.name),
        this.statuses.forCluster(cluster.name),
        this.drift.counts({ cluster: cluster.name }),
      ]);
      const apps = new Set([...assignments.filter((a) => a.active).map((a) => a.appName), ...statuses.map((s) => s.appName)]);
      for (const app of [...apps].sort()) {
        if (!wanted({ cluster: cluster.name, app })) continue;
        const assignment = assignments.find((a) => a.appName === app) ?? null;
        const status = statuses.find((s) => s.appName === app) ?? null;
        const drifted = drift.find((d) => d.app === app)?.count ?? 0;
        messages.push({ statusSnapshot: toAppClusterStatus(app, cluster.name, assignment, status, drifted, this.renderFailureOn(app, cluster.name)) });
      }
    }
    return messages;
  }

  /** The render failure of an app's latest revision on a cluster, if it failed there. */
  private renderFailureOn(app: string, cluster: string): { message: string; file?: string } | undefined {
    const render = this.renders.of(app);
    return render?.state === 'RenderFailed' && render.failure && render.clusters.includes(cluster) ? render.failure : undefined;
  }

  private async toMessages(event: FleetEvent): Promise<Array<{ message: LoggedMessage; cluster?: string; app?: string }>> {
    const base = (fields: Partial<StatusEvent>, concerns: { cluster?: string; app?: string }) => ({ ...concerns, message: { time: toTimestamp(new Date()), ...fields } });
    switch (event.kind) {
      case 'cluster':
        return [base({ cluster: toClusterEvent(event.type, event.cluster) }, { cluster: event.cluster.name })];
      case 'assignment':
        return [base({ assignment: toAssignmentEvent(event.assignment) }, { cluster: event.assignment.clusterName, app: event.assignment.appName })];
      case 'status': {
        const { appName, clusterName } = event.status;
        const [assignment, drifted] = await Promise.all([this.assignments.find(appName, clusterName), this.drift.count(appName, clusterName)]);
        return [base({ status: toAppClusterStatus(appName, clusterName, assignment, event.status, drifted, this.renderFailureOn(appName, clusterName)) }, { cluster: clusterName, app: appName })];
      }
      case 'drift':
        return [base({ drift: toDriftEvent(event) }, { cluster: event.cluster, app: event.app })];
      case 'rollout':
        return [base({ rollout: toRolloutEvent(event.rollout) }, { app: event.rollout.app })];
      case 'render': {
        // A revision that failed to render, or the one that rendered again: the app's status on each cluster whose
        // render failure came, changed or went, with the failure as a RENDER_FAILED error (the clusters keep running
        // their previous revision). A revision that renders where the last one did changes no cluster's status.
        // A removed app's render state goes with it: its assignments' removal says the rest.
        if (event.render === null) return [];
        const failedOn = (render: AppRenderState | null): readonly string[] => (render?.state === 'RenderFailed' ? render.clusters : []);
        const clusters = [...new Set([...failedOn(event.render), ...failedOn(event.previous)])];
        if (clusters.length === 0) return [];
        const [assignments, statuses, drift] = await Promise.all([this.assignments.forApp(event.app), this.statuses.forApp(event.app), this.drift.counts({ app: event.app })]);
        const assignmentOn = new Map(assignments.map((a) => [a.clusterName, a]));
        const statusOn = new Map(statuses.map((s) => [s.clusterName, s]));
        const driftOn = new Map(drift.map((d) => [d.cluster, d.count]));
        return clusters.map((cluster) =>
          base(
            { status: toAppClusterStatus(event.app, cluster, assignmentOn.get(cluster) ?? null, statusOn.get(cluster) ?? null, driftOn.get(cluster) ?? 0, this.renderFailureOn(event.app, cluster)) },
            { cluster, app: event.app },
          ),
        );
      }
      default:
        return event satisfies never;
    }
  }

  /**
   * The log id after which a watcher resumes, or undefined when its cursor cannot be resumed: not a cursor of this
   * log (an older hub's), ahead of it, or older than what it retains.
   */
  private async resumable(cursor: string): Promise<number | undefined> {
    if (!/^\d{1,18}$/.test(cursor)) return undefined;
    const after = Number(cursor);
    const [oldest, newest] = await Promise.all([this.log.oldestId(), this.log.newestId()]);
    if (after > newest) return undefined;
    if (after === newest) return after;
    return oldest > 0 && after >= oldest - 1 ? after : undefined;
  }
}

function toLogged(entry: LogEntry<LoggedMessage>): LoggedEvent {
  return {
    seq: entry.id,
    ...(entry.cluster === null ? {} : { cluster: entry.cluster }),
    ...(entry.app === null ? {} : { app: entry.app }),
    message: { ...entry.payload, cursor: String(entry.id) },
  };
}
