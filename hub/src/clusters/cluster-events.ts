import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { Cluster } from './cluster.entity.js';

/** Kinds of cluster events. */
export type ClusterEventType = 'registered' | 'updated' | 'connected' | 'disconnected' | 'removed';

/** A cluster was registered, changed, connected, disconnected or removed. */
export interface ClusterEvent {
  kind: 'cluster';
  type: ClusterEventType;
  cluster: Cluster;
}

/** The channel of cluster events. */
@Injectable()
export class ClusterEvents extends EventChannel<ClusterEvent> {}
