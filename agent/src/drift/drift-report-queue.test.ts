import { describe, expect, it } from 'vitest';
import { DriftReportQueue } from './drift-report-queue.js';
import type { AppDriftReport, DriftedObject } from '../assignment/drift-report.js';

const ref = (name: string) => ({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name });
const drift = (name: string, manager = 'kubectl-edit'): DriftedObject => ({ ref: ref(name), deleted: false, diffs: [], manager, detectedAt: new Date(0), action: 'reported', corrections: 0 });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('DriftReportQueue', () => {
  it('sends the changes of one turn of the event loop as one report per app, the latest change of each object winning', async () => {
    const sent: AppDriftReport[] = [];
    const queue = new DriftReportQueue((report) => sent.push(report));
    queue.add('web', 3, 'a', { drift: drift('a') });
    queue.add('web', 3, 'b', { drift: drift('b') });
    queue.add('web', 3, 'a', { drift: drift('a', 'other') });
    queue.add('web', 3, 'b', { cleared: ref('b') });
    queue.add('api', 1, 'c', { cleared: ref('c') });
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([
      { app: 'web', generation: 3, objects: [drift('a', 'other')], cleared: [ref('b')], full: false },
      { app: 'api', generation: 1, objects: [], cleared: [ref('c')], full: false },
    ]);
  });

  it('lets a full report supersede what is pending', async () => {
    const sent: AppDriftReport[] = [];
    const queue = new DriftReportQueue((report) => sent.push(report));
    queue.add('web', 1, 'a', { drift: drift('a') });
    queue.sendFull('web', 1, [drift('b')]);
    await nextTurn();
    expect(sent).toEqual([{ app: 'web', generation: 1, objects: [drift('b')], cleared: [], full: true }]);
  });
});
