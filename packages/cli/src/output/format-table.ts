/** A table column: its header and how to read a cell from a row. */
export interface Column<T> {
  header: string;
  value(row: T): string;
}

/** Plain-text columns, left-aligned and three spaces apart, as kubectl prints them. */
export function formatTable<T>(columns: ReadonlyArray<Column<T>>, rows: readonly T[]): string {
  const cells = [columns.map((c) => c.header.toUpperCase()), ...rows.map((row) => columns.map((c) => c.value(row)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => visibleLength(line[i] ?? ''))));
  return cells
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell) + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** Key-value lines for one object (`get`), keys aligned. */
export function formatFields(fields: ReadonlyArray<[string, string]>): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${value}`).join('\n');
}

// Colour codes take no room on screen.
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
