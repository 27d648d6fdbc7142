import { Observable, Subject } from 'rxjs';

/**
 * A typed in-process publish/subscribe channel. The bus knows no domain: each domain declares its own events and an
 * injectable channel for them (`class ClusterEvents extends EventChannel<ClusterEvent> {}`), provided by its module.
 */
export class EventChannel<E> {
  private readonly subject = new Subject<E>();

  /** Announces an event to every subscriber, synchronously. */
  publish(event: E): void {
    this.subject.next(event);
  }

  /** Every event from now on. */
  get events(): Observable<E> {
    return this.subject.asObservable();
  }
}
