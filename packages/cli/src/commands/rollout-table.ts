import type { RolloutView } from '@flotilla/api';
import { formatTable } from '../output/format-table.js';
import { formatAge, formatCell, formatWave, shortRevision } from '../output/format-values.js';
import type { Style } from '../output/style.js';

/** The table of rollouts (`flotilla rollouts`): where each stands, its wave and how many clusters it has updated. */
export function formatRolloutTable(items: readonly RolloutView[], style: Style): string {
  return formatTable(
    [
      { header: 'id', value: (r: RolloutView) => String(r.id) },
      { header: 'app', value: (r) => r.app },
      { header: 'kind', value: (r) => r.kind },
      { header: 'revision', value: (r) => shortRevision(r.revision) },
      { header: 'state', value: (r) => style.state(r.state) },
      { header: 'wave', value: (r) => formatWave(r) },
      { header: 'updated', value: (r) => `${r.progress.updated}/${r.progress.total}` },
      { header: 'failed', value: (r) => String(r.progress.failed ?? 0) },
      { header: 'message', value: (r) => formatCell(r.message) },
      { header: 'age', value: (r) => formatAge(r.createdAt) },
    ],
    items,
  );
}
