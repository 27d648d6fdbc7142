import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { ClusterAppStatus } from './cluster-app-status.entity.js';

/** An agent's report was stored as the latest status of an app on a cluster. */
export interface StatusEvent {
  kind: 'status';
  status: ClusterAppStatus;
}

/** The channel of status events. */
@Injectable()
export class StatusEvents extends EventChannel<StatusEvent> {}
