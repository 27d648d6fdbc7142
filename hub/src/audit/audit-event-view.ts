import type { AuditEventView } from '@flotilla/api';
import type { AuditEvent } from './audit-event.entity.js';

/** Maps a stored audit event to its REST view. */
export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    actor: event.actor,
    action: event.action,
    target: event.target,
    result: event.result,
    details: event.details,
    createdAt: event.createdAt.toISOString(),
  };
}
