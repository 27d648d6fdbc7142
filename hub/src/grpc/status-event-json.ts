import { StatusEvent } from '@flotilla/proto';

/** A StatusService.Watch event in its proto3 JSON form (what GET /api/v1/events sends as `data:`). */
export function statusEventJson(event: StatusEvent): unknown {
  return StatusEvent.toJSON(event);
}
