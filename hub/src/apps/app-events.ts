import { Injectable } from '@nestjs/common';
import { EventChannel } from '../events/event-channel.js';
import type { App } from './app.entity.js';

/** An app was created, changed or removed. */
export interface AppEvent {
  kind: 'app';
  type: 'created' | 'updated' | 'removed';
  app: App;
}

/** The channel of app events. */
@Injectable()
export class AppEvents extends EventChannel<AppEvent> {}
