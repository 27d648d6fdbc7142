import { describe, expect, it } from 'vitest';
import { formatChangeSet, summarizeChangeSet, type ChangeSetEntry } from './change-set.js';
import { type ObjectRef } from './object-ref.js';

const ref = (name: string): ObjectRef => ({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name });

const entries: ChangeSetEntry[] = [
  { ref: ref('a'), action: 'created' },
  { ref: ref('b'), action: 'created' },
  { ref: ref('c'), action: 'unchanged' },
  { ref: ref('d'), action: 'failed', error: { code: 'INVALID_ARGUMENT', message: 'Deployment/web/d dry-run failed: spec.replicas: Invalid value' } },
  { ref: ref('e'), action: 'pruned' },
];

describe('change sets', () => {
  it('count their entries per action, zero for actions that did not happen', () => {
    expect(summarizeChangeSet(entries)).toEqual({ created: 2, configured: 0, unchanged: 1, pruned: 1, skipped: 0, failed: 1 });
  });

  it('summarise on one log line with the first failure', () => {
    expect(formatChangeSet(entries)).toBe(
      '2 created, 1 unchanged, 1 pruned, 1 failed; first failure: Deployment/web/d dry-run failed: spec.replicas: Invalid value',
    );
    expect(formatChangeSet(entries.slice(0, 3))).toBe('2 created, 1 unchanged');
  });

  it('say so when there were no objects', () => {
    expect(formatChangeSet([])).toBe('no objects');
  });
});
