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
