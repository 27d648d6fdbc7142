import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { Assignment } from './assignment.entity.js';

/** An assignment got a new generation (or was deactivated). */
export interface AssignmentEvent {
  kind: 'assignment';
  assignment: Assignment;
}

/** The channel of assignment events. */
@Injectable()
export class AssignmentEvents extends EventChannel<AssignmentEvent> {}

/**
 * The fleet event log's topic of stored assignment changes (with replicas): written in the transaction that stores
 * them, so the replica holding the cluster's stream learns of every change that was stored, even when the replica
 * that stored it dies at once. The payload is `{ generation }`; the holder reads the row as stored.
 */
export const ASSIGNMENT_LOG_TOPIC = 'assignment';
