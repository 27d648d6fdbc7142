import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { RolloutSummary } from './rollout-summary.js';

/** A rollout moved: where it is now. */
export interface RolloutEvent {
  kind: 'rollout';
  rollout: RolloutSummary;
}

/** The channel of rollout events. */
@Injectable()
export class RolloutEvents extends EventChannel<RolloutEvent> {}
