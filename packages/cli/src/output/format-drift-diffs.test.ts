import type { DriftView } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { formatDiffValue, formatDriftDiffs, formatFieldDiff } from './format-drift-diffs.js';
import { Style } from './style.js';

const drifted = (fields: Partial<DriftView>): DriftView => ({
  cluster: 'eu-1',
  app: 'web',
  object: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'settings', id: 'ConfigMap/web/settings' },
  deleted: false,
  diffs: [],
  manager: 'kubectl-edit',
  changedAt: null,
  detectedAt: '2026-12-07T10:00:00.000Z',
  action: 'reported',
  corrections: 0,
  generation: 1,
  updatedAt: '2026-12-07T10:00:00.000Z',
  ...fields,
});

describe('formatFieldDiff', () => {
  it('shows a changed field as path: desired -> live, strings quoted', () => {
    expect(formatFieldDiff({ path: '/data/greeting', desired: 'hello', live: 'hacked' })).toBe('/data/greeting: "hello" -> "hacked"');
    expect(formatFieldDiff({ path: '/spec/replicas', desired: 3, live: 5 })).toBe('/spec/replicas: 3 -> 5');
  });

  it('says (absent) for a field added or removed by hand', () => {
    expect(formatFieldDiff({ path: '/metadata/labels/team', live: 'ops' })).toBe('/metadata/labels/team: (absent) -> "ops"');
    expect(formatFieldDiff({ path: '/data/tuned', desired: '1' })).toBe('/data/tuned: "1" -> (absent)');
  });

  it('writes structured values as compact JSON and cuts long ones', () => {
    expect(formatDiffValue({ limits: { cpu: '1' } })).toBe('{"limits":{"cpu":"1"}}');
    const long = formatDiffValue('x'.repeat(500));
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('formatDriftDiffs', () => {
  it('gives each object a heading with its cluster, app and manager, then one line per field or its deletion', () => {
    const text = formatDriftDiffs(
      [
        drifted({ diffs: [{ path: '/data/greeting', desired: 'hello', live: 'hacked' }, { path: '/data/extra', live: 'x' }] }),
        drifted({ object: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api', id: 'Deployment/web/api' }, deleted: true, manager: '' }),
      ],
      new Style(false),
    );
    expect(text).toBe(
      [
        'ConfigMap/web/settings on eu-1 (app web, changed by kubectl-edit):',
        '  /data/greeting: "hello" -> "hacked"',
        '  /data/extra: (absent) -> "x"',
        'Deployment/web/api on eu-1 (app web):',
        '  deleted from the cluster',
      ].join('\n'),
    );
  });
});
