/** Why the hub closes an agent stream; the gRPC edge maps each to a status code. */
export type StreamCloseReason =
  | 'unauthenticated'
  | 'permission-denied'
  | 'invalid-argument'
  /** A newer connection of the same cluster took over. */
  | 'replaced'
  | 'shutting-down'
  | 'heartbeat-missed';

/** The hub closing an agent stream, with why. */
export class StreamClosed extends Error {
  constructor(
    readonly reason: StreamCloseReason,
    message: string,
  ) {
    super(message);
    this.name = 'StreamClosed';
  }
}
