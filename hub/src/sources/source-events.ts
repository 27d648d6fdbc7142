import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { Source } from './source.entity.js';

/** A source was created, changed or removed, or its ref moved to a new revision. */
export interface SourceEvent {
  kind: 'source';
  type: 'created' | 'updated' | 'removed' | 'revision';
  source: Source;
}

/** The channel of source events. */
@Injectable()
export class SourceEvents extends EventChannel<SourceEvent> {}
