import type { Timestamp } from './gen/google/protobuf/timestamp.pb.js';

/** Converts a Date to a protobuf Timestamp. */
export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** Converts a protobuf Timestamp (possibly absent or null, as proto-loader gives it) to a Date. */
export function fromTimestamp(ts: Timestamp | null | undefined): Date | undefined {
  if (ts == null) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}
