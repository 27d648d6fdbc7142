import type { AppClusterStatusView } from '@flotilla/api';
import { type Column, formatTable } from '../output/format-table.js';
import { formatAge, formatChanges, shortRevision } from '../output/format-values.js';
import type { Style } from '../output/style.js';

/** The table of apps on clusters (`flotilla status`), with the first error of each failed row below the table. */
export function formatStatusTable(items: readonly AppClusterStatusView[], style: Style): string {
  const columns: Array<Column<AppClusterStatusView>> = [
    { header: 'app', value: (s) => s.app },
    { header: 'cluster', value: (s) => s.cluster },
    { header: 'desired', value: (s) => shortRevision(s.desired?.revision) + (s.desired?.pinned ? ' (pinned)' : '') },
    { header: 'applied', value: (s) => shortRevision(s.applied?.revision) },
    { header: 'phase', value: (s) => style.state(s.applied?.phase ?? 'Pending') },
    { header: 'health', value: (s) => style.state(s.applied?.health ?? '-') },
    { header: 'in sync', value: (s) => (s.inSync ? 'yes' : 'no') },
    { header: 'last change', value: (s) => (s.applied ? formatChanges(s.applied.changes) : '-') },
    { header: 'age', value: (s) => formatAge(s.applied?.updatedAt) },
  ];
  const errors = items.flatMap((s) => (s.applied?.errors ?? []).slice(0, 1).map((e) => `  ${s.app} on ${s.cluster}: ${style.red(e.code)} ${e.message}`));
  return [formatTable(columns, items), ...(errors.length > 0 ? ['', ...errors] : [])].join('\n');
}
