import { describe, expect, it } from 'vitest';
import { formatFields, formatTable } from './format-table.js';
import { formatAge, formatCell, formatChanges, formatDuration, formatWave, shortRevision } from './format-values.js';
import { Style } from './style.js';

describe('table and value formatting', () => {
  it('aligns columns three spaces apart, headers upper-cased, colour codes taking no room', () => {
    const style = new Style(true);
    const table = formatTable(
      [
        { header: 'name', value: (r: { name: string; ok: boolean }) => r.name },
        { header: 'state', value: (r) => style.state(r.ok ? 'Synced' : 'Failed') },
        { header: 'note', value: () => 'x' },
      ],
      [
        { name: 'a-long-name', ok: true },
        { name: 'b', ok: false },
      ],
    );
    // eslint-disable-next-line no-control-regex
    expect(table.replace(/\u001b\[[0-9;]*m/g, '')).toBe(['NAME          STATE    NOTE', 'a-long-name   Synced   x', 'b             Failed   x'].join('\n'));
  });

  it('aligns the keys of one object', () => {
    expect(formatFields([['Name', 'eu-1'], ['Last heartbeat', 'never']])).toBe('Name:           eu-1\nLast heartbeat: never');
  });

  it('shortens revisions, tells ages and durations, and sums up change sets', () => {
    expect(shortRevision(`main@sha1:${'ab'.repeat(20)}`)).toBe('main@abababa');
    expect(shortRevision(null)).toBe('-');
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatAge('2026-01-01T11:59:30Z', now)).toBe('30s');
    expect(formatAge('2026-01-01T11:00:00Z', now)).toBe('60m');
    expect(formatAge('2025-12-29T12:00:00Z', now)).toBe('3d');
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(2400)).toBe('2.4s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatChanges({ created: 2, configured: 0, unchanged: 5, pruned: 1 })).toBe('created 2, pruned 1');
    expect(formatChanges({ unchanged: 3 })).toBe('no changes');
  });

  it('shows loosely typed fields as cells, object references as Kind/namespace/name', () => {
    expect(formatCell({ group: 'apps', kind: 'Deployment', namespace: 'web', name: 'api' })).toBe('Deployment/web/api');
    expect(formatCell({ kind: 'Namespace', name: 'web' })).toBe('Namespace/web');
    expect(formatCell(['a', 'b'])).toBe('a,b');
    expect(formatCell(null)).toBe('-');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });

  it('shows a rollout\'s wave 1-based, and its last wave once it is past it (finished or superseded)', () => {
    expect(formatWave({ currentWave: 0, waveCount: 2 })).toBe('1/2');
    expect(formatWave({ currentWave: 1, waveCount: 2 })).toBe('2/2');
    expect(formatWave({ currentWave: 2, waveCount: 2 })).toBe('2/2');
    expect(formatWave({ currentWave: 2, waveCount: 2 }, ' of ')).toBe('2 of 2');
    expect(formatWave({ currentWave: 0, waveCount: 0 })).toBe('-');
  });
});
