import * as grpc from '@grpc/grpc-js';
import { type StatusEvent, StatusServiceClient, type WatchRequest } from '@flotilla/proto';
import type { TestCertificates } from '@flotilla/testenv';
import { FLEET_ADMIN_TOKEN } from './api-client.js';

/** A StatusEvent with when (Date.now()) this process received it. */
export type ReceivedStatusEvent = StatusEvent & { receivedAt: number };

/** An open StatusService.Watch call of a test fleet's hub (or one replica) and what it has received so far. */
export interface StatusWatch {
  readonly events: ReceivedStatusEvent[];
  /** The cursor of the last event received, `''` before any. */
  lastCursor(): string;
  /** Set when the call failed (not when it was closed). */
  readonly error: grpc.ServiceError | undefined;
  /** Cancels the call and closes its channel. */
  close(): void;
}

/** Opens StatusService.Watch at `address` over the fleet's TLS with the admin token; nothing is sent until the hub answers. */
export function watchStatus(address: string, certificates: TestCertificates, request: Partial<WatchRequest> = {}): StatusWatch {
  const client = new StatusServiceClient(address, grpc.credentials.createSsl(Buffer.from(certificates.ca.cert)));
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${FLEET_ADMIN_TOKEN}`);
  const events: ReceivedStatusEvent[] = [];
  let error: grpc.ServiceError | undefined;
  let isClosed = false;
  const call = client.watch({ clusters: [], apps: [], resumeFrom: '', skipSnapshot: true, ...request }, metadata);
  call.on('data', (event: StatusEvent) => events.push({ ...event, receivedAt: Date.now() }));
  call.on('error', (failure: grpc.ServiceError) => {
    if (!isClosed) error = failure;
  });
  return {
    events,
    lastCursor: () => events.at(-1)?.cursor ?? '',
    get error() {
      return error;
    },
    close() {
      isClosed = true;
      call.cancel();
      client.close();
    },
  };
}

/** Which kind of event a StatusEvent is (the field of its oneof that is set), for comparing streams. */
export function statusEventKind(event: StatusEvent): string {
  const kinds = ['cluster', 'assignment', 'status', 'drift', 'rollout', 'clusterSnapshot', 'statusSnapshot', 'snapshotComplete'] as const;
  return kinds.find((kind) => event[kind] !== undefined && event[kind] !== null) ?? 'unknown';
}
