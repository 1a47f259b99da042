/*
 * Plain-text tables for operator reports (`sincro quota`, `sincro status`):
 * left-aligned text, right-aligned numbers, "-" for absent values. Enough for
 * a handful of rows; console.table would add an index column and quotes.
 */
export type Cell = string | number | null | undefined;

export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => headers.map((_, column) => (row[column] === null || row[column] === undefined ? "-" : String(row[column]))));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number" || row[column] == null));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...text.map(line)].join("\n");
}

/** "3d 4h", "12m", "40s": an age for a report. */
export function formatAge(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
