// Text columns that fit a width: every column as wide as its content, then, when the row is too
// wide, the droppable columns go first and the others shrink towards their minimum, cut with '…'.

export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Narrowest it may be cut to (default: never cut). */
  min?: number;
  /** Widest it is ever shown, whatever the room. */
  max?: number;
  /** Left out entirely before anything else shrinks. */
  dropFirst?: boolean;
}

const GAP = 2;

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

/**
 * The header and one line per row. `colour(row, header, padded)` may wrap a cell in escapes
 * (applied after padding, so colour never upsets the alignment).
 */
export function fitColumns<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  options: { width?: number; colour?: (row: T, header: string, cell: string) => string } = {},
): string[] {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  let widths = columns.map((c, i) => Math.min(c.max ?? Infinity, Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length))));
  let shown = columns.map((c, i) => (widths[i] ?? 0) > 0 || !c.dropFirst);
  const total = (): number => widths.reduce((sum, w, i) => sum + (shown[i] ? w + GAP : 0), -GAP);
  const limit = options.width;
  if (limit !== undefined) {
    columns.forEach((c, i) => {
      if (c.dropFirst && total() > limit) shown = shown.map((s, j) => (j === i ? false : s));
    });
    // Shrink the widest cuttable column one step at a time, so the cut is shared fairly.
    while (total() > limit) {
      const candidates = columns
        .map((c, i) => ({ i, slack: shown[i] && c.min !== undefined ? (widths[i] ?? 0) - Math.max(c.min, c.header.length) : 0 }))
        .filter((x) => x.slack > 0);
      const widest = candidates.sort((a, b) => (widths[b.i] ?? 0) - (widths[a.i] ?? 0))[0];
      if (!widest) break;
      widths = widths.map((w, j) => (j === widest.i ? w - 1 : w));
    }
  }
  const line = (values: string[], row?: T): string =>
    values
      .map((v, i) => {
        if (!shown[i]) return undefined;
        const padded = cut(v, widths[i] ?? 0).padEnd(widths[i] ?? 0);
        const header = columns[i]?.header ?? '';
        return row !== undefined && options.colour ? options.colour(row, header, padded) : padded;
      })
      .filter((v) => v !== undefined)
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map((values, r) => line(values, rows[r]))];
}
