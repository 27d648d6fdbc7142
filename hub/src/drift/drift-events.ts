import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { DriftRecord } from './drift-record.entity.js';
import type { DriftObjectRef } from './drift-report.js';

/** The drift of an app on a cluster changed: objects drifted (or changed how), others were cleared. */
export interface DriftEvent {
  kind: 'drift';
  cluster: string;
  app: string;
  objects: DriftRecord[];
  cleared: DriftObjectRef[];
}

/** The channel of drift events. */
@Injectable()
export class DriftEvents extends EventChannel<DriftEvent> {}
