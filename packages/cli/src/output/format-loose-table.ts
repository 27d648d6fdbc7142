import { formatTable } from './format-table.js';
import { formatAge, formatCell, shortRevision } from './format-values.js';
import type { Style } from './style.js';

/**
 * A table of items whose exact fields the CLI does not know in advance (drift, rollouts): the `preferred` fields
 * found in any item, in that order; times as ages, revisions shortened, states coloured.
 */
export function formatLooseTable(items: ReadonlyArray<Record<string, unknown>>, preferred: readonly string[], style: Style): string {
  const present = preferred.filter((key) => items.some((item) => item[key] !== undefined));
  const keys = present.length > 0 ? present : Object.keys(items[0] ?? {}).slice(0, 8);
  return formatTable(
    keys.map((key) => ({
      header: key.replace(/([a-z])([A-Z])/g, '$1 $2'),
      value: (item: Record<string, unknown>) => {
        const value = item[key];
        if (/At$/.test(key) && typeof value === 'string') return formatAge(value);
        if (/revision$/i.test(key) && typeof value === 'string') return shortRevision(value);
        if (/^(state|phase|health|action)$/.test(key) && typeof value === 'string') return style.state(value);
        return formatCell(value);
      },
    })),
    items,
  );
}
