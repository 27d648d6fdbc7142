import * as grpc from '@grpc/grpc-js';
import { Phase, type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { FLEET_ADMIN_TOKEN, type Fleet } from '../e2e/fleet.js';

/**
 * Follows an app's status on every cluster through StatusService.Watch, as a monitoring system would, and notes when
 * each cluster first reported Synced at each commit. The hub pushes each report as it records it: no polling adds
 * load to the hub or a poll interval to the figures.
 */
export class SyncedWatch {
  private readonly synced = new Map<string, Map<string, number>>();
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly client: StatusServiceClient,
    private readonly call: grpc.ClientReadableStream<StatusEvent>,
  ) {
    call.on('data', (event: StatusEvent) => {
      const status = event.status;
      if (!status || status.phase !== Phase.PHASE_SYNCED) return;
      const commit = status.appliedRevision.slice(status.appliedRevision.lastIndexOf(':') + 1);
      const clusters = this.synced.get(commit) ?? new Map<string, number>();
      if (!clusters.has(status.cluster)) clusters.set(status.cluster, performance.now());
      this.synced.set(commit, clusters);
      for (const wake of this.waiters.splice(0)) wake();
    });
    call.on('error', () => undefined);
  }

  /** Opens the stream for one app and resolves once its snapshot (the app's status now) has begun to arrive. */
  static async open(fleet: Fleet, app: string): Promise<SyncedWatch> {
    const client = new StatusServiceClient(fleet.hub.grpcAddress, grpc.credentials.createSsl(Buffer.from(fleet.certificates.ca.cert)));
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${FLEET_ADMIN_TOKEN}`);
    const call = client.watch({ clusters: [], apps: [app], resumeFrom: '', skipSnapshot: false }, metadata);
    const watch = new SyncedWatch(client, call);
    await new Promise<void>((resolve, reject) => {
      call.once('data', () => resolve());
      call.once('error', reject);
    });
    return watch;
  }

  /** When each cluster reported Synced at `commit` (performance.now()), once `count` clusters have. */
  async waitForAll(commit: string, count: number, timeoutMs: number): Promise<Map<string, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const clusters = this.synced.get(commit);
      if (clusters && clusters.size >= count) return clusters;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${count - (clusters?.size ?? 0)} of ${count} clusters never reported Synced at ${commit}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}
