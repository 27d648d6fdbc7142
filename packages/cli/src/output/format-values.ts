/** `main@sha1:<40 hex>` → `main@1a2b3c4`, for tables; anything else as given, `-` for nothing. */
export function shortRevision(revision: string | null | undefined): string {
  if (!revision) return '-';
  const match = /^(.*)@sha1:([0-9a-f]{40})$/.exec(revision);
  return match ? `${match[1]}@${(match[2] as string).slice(0, 7)}` : revision;
}

/** How long ago: `12s`, `5m`, `3h`, `2d`; `-` for never. */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** `env=prod,region=eu`; `-` for none. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** `created 2, configured 1` from change counts, leaving out zeros and unchanged; `no changes` when nothing moved. */
export function formatChanges(changes: object | null | undefined): string {
  const parts = Object.entries((changes ?? {}) as Record<string, unknown>)
    .filter(([action, count]) => action !== 'unchanged' && typeof count === 'number' && count > 0)
    .map(([action, count]) => `${action} ${count as number}`);
  return parts.length === 0 ? 'no changes' : parts.join(', ');
}

/** A duration in ms as `850ms`, `2.4s`, `1m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** A loosely typed field as a table cell: strings as they are, objects as `Kind/ns/name` when they look like refs. */
export function formatCell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatCell).join(',');
  if (typeof value === 'object') {
    const ref = value as { kind?: unknown; namespace?: unknown; name?: unknown };
    if (typeof ref.kind === 'string' && typeof ref.name === 'string') {
      return [ref.kind, ref.namespace, ref.name].filter((part) => typeof part === 'string' && part !== '').join('/');
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** A rollout's wave as "2/3" (1-based, `separator` between): one past its last wave (finished, superseded) shows the last. */
export function formatWave(rollout: { currentWave: number; waveCount: number }, separator = '/'): string {
  if (rollout.waveCount <= 0) return '-';
  return `${Math.min(rollout.currentWave + 1, rollout.waveCount)}${separator}${rollout.waveCount}`;
}
