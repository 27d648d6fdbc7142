import * as grpc from '@grpc/grpc-js';
import type { StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { TEST_ADMIN_TOKEN } from './start-test-hub.js';

/** A StatusService.Watch call with the test hubs' admin token, collecting its events (cancel it with `call.cancel()`). */
export function watchStatus(client: StatusServiceClient, request: Parameters<StatusServiceClient['watch']>[0]): { events: StatusEvent[]; call: grpc.ClientReadableStream<StatusEvent> } {
  const events: StatusEvent[] = [];
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
  const call = client.watch(request, metadata);
  call.on('data', (event: StatusEvent) => events.push(event));
  call.on('error', () => undefined);
  return { events, call };
}
