import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { HubEvent } from './hub-event.js';

/** The hub's in-process event bus: domain services publish, the agent and status streams subscribe. */
@Injectable()
export class HubEvents {
  private readonly subject = new Subject<HubEvent>();

  /** Announces an event to every subscriber, synchronously. */
  publish(event: HubEvent): void {
    this.subject.next(event);
  }

  /** Every event from now on. */
  get events(): Observable<HubEvent> {
    return this.subject.asObservable();
  }
}
