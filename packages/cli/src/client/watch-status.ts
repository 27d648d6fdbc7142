import * as grpc from '@grpc/grpc-js';
import { type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { CliError } from '../errors/cli-error.js';

/** What to watch and where events go. */
export interface WatchStatusOptions {
  /** host:port of the hub's gRPC services. */
  address: string;
  /** An API token, sent as `authorization: Bearer <token>` metadata. */
  token?: string;
  apps?: string[];
  clusters?: string[];
  onEvent(event: StatusEvent): void;
  /** Told when a stream that was up ends and the watch resumes after `delayMs`. */
  onReconnect?(reason: string, delayMs: number): void;
  /** Ends the watch; the promise then resolves. */
  signal?: AbortSignal;
  /** Default plaintext. */
  channelCredentials?: grpc.ChannelCredentials;
}

const MAX_DELAY_MS = 10_000;

/**
 * Follows StatusService.Watch: a snapshot, then live events, for as long as `signal` allows. When a stream that was up
 * ends, it resumes from the last cursor (the hub sends what was missed, or a fresh snapshot). Rejects with a CliError
 * when the hub cannot be reached at first or refuses the token.
 */
export function watchStatus(options: WatchStatusOptions): Promise<void> {
  const client = new StatusServiceClient(options.address, options.channelCredentials ?? grpc.credentials.createInsecure());
  let cursor = '';
  let hasConnected = false;
  let failures = 0;
  let call: grpc.ClientReadableStream<StatusEvent> | undefined;
  let timer: NodeJS.Timeout | undefined;

  return new Promise<void>((resolve, reject) => {
    const finish = (error?: CliError): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      client.close();
      if (error) reject(error);
      else resolve();
    };
    const abort = (): void => {
      call?.cancel();
      finish();
    };
    if (options.signal?.aborted) return finish();
    options.signal?.addEventListener('abort', abort, { once: true });

    const open = (): void => {
      const metadata = new grpc.Metadata();
      if (options.token) metadata.set('authorization', `Bearer ${options.token}`);
      const current = client.watch({ clusters: options.clusters ?? [], apps: options.apps ?? [], resumeFrom: cursor, skipSnapshot: false }, metadata);
      call = current;
      current.on('data', (event: StatusEvent) => {
        hasConnected = true;
        failures = 0;
        if (event.cursor) cursor = event.cursor;
        options.onEvent(event);
      });
      current.on('error', () => undefined);
      current.on('status', (status: grpc.StatusObject) => {
        if (options.signal?.aborted || current !== call) return;
        const error = toCliError(status, options.address, hasConnected);
        if (error) return finish(error);
        const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** failures++);
        options.onReconnect?.(status.details || grpc.status[status.code] || 'stream ended', delay);
        timer = setTimeout(open, delay);
      });
    };
    open();
  });
}

/** The error that ends the watch, or undefined when it should resume. */
function toCliError(status: grpc.StatusObject, address: string, hasConnected: boolean): CliError | undefined {
  const data = { address, grpcCode: grpc.status[status.code], details: status.details };
  switch (status.code) {
    case grpc.status.UNAUTHENTICATED:
      return new CliError('UNAUTHENTICATED', `the hub refused the token on its status stream (${status.details}); pass --token or set FLOTILLA_API_TOKEN`, data);
    case grpc.status.PERMISSION_DENIED:
      return new CliError('PERMISSION_DENIED', `the token may not watch the status stream: ${status.details}`, data);
    case grpc.status.UNIMPLEMENTED:
      return new CliError('UNSUPPORTED', `${address} does not serve flotilla.v1.StatusService; is it the hub's gRPC address?`, data);
    case grpc.status.UNAVAILABLE:
      return hasConnected
        ? undefined
        : new CliError('HUB_UNREACHABLE', `cannot reach the hub's status stream at ${address} (${status.details}); point to it with --grpc-address or FLOTILLA_HUB_GRPC_ADDRESS`, data);
    default:
      return hasConnected ? undefined : new CliError('HUB_ERROR', `the status stream at ${address} failed: ${grpc.status[status.code]} ${status.details}`, data);
  }
}
