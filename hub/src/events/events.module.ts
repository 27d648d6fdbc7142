import { Global, Module } from '@nestjs/common';
import { HubEvents } from './hub-events.js';

/** The event bus, available everywhere. */
@Global()
@Module({ providers: [HubEvents], exports: [HubEvents] })
export class EventsModule {}
