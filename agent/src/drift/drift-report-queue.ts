import type { ObjectRef } from '@flotilla/core';
import type { AppDriftReport, DriftedObject } from '../assignment/drift-report.js';

interface Pending {
  generation: number;
  objects: Map<string, DriftedObject>;
  cleared: Map<string, ObjectRef>;
}

/**
 * Batches the drift changes of each App made in one turn of the event loop into one report, sent on the next turn (so a
 * burst of events costs one message, and a single change waits well under a millisecond). A later change of an object
 * replaces an earlier one; a full report supersedes whatever is pending.
 */
export class DriftReportQueue {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly send: (report: AppDriftReport) => void) {}

  /** Queues an object's new drift, or its clearing. */
  add(app: string, generation: number, key: string, change: { drift: DriftedObject } | { cleared: ObjectRef }): void {
    let pending = this.pending.get(app);
    if (!pending) {
      pending = { generation, objects: new Map(), cleared: new Map() };
      this.pending.set(app, pending);
      setImmediate(() => this.flush(app));
    }
    pending.generation = generation;
    if ('drift' in change) {
      pending.objects.set(key, change.drift);
      pending.cleared.delete(key);
    } else {
      pending.cleared.set(key, change.cleared);
      pending.objects.delete(key);
    }
  }

  /** Sends the complete drift of an App now, dropping what was pending for it. */
  sendFull(app: string, generation: number, objects: DriftedObject[]): void {
    this.drop(app);
    this.send({ app, generation, objects, cleared: [], full: true });
  }

  /** Forgets what is pending for an App. */
  drop(app: string): void {
    const pending = this.pending.get(app);
    if (!pending) return;
    pending.objects.clear();
    pending.cleared.clear();
  }

  private flush(app: string): void {
    const pending = this.pending.get(app);
    this.pending.delete(app);
    if (!pending || (pending.objects.size === 0 && pending.cleared.size === 0)) return;
    this.send({ app, generation: pending.generation, objects: [...pending.objects.values()], cleared: [...pending.cleared.values()], full: false });
  }
}
