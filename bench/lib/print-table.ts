/** A table cell; numbers are formatted to a sensible precision. */
export type Cell = string | number;

/** Prints rows as an aligned plain-text table (fits in a terminal and in a PR description). */
export function printTable(title: string, headers: string[], rows: Cell[][]): void {
  const text = (c: Cell) => (typeof c === 'number' ? formatNumber(c) : c);
  const cells = rows.map((r) => r.map(text));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  // Numeric columns (numbers, `1.25x`, `97%`, `-`) are right-aligned, header included.
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || /^(-|[\d.,]+[x%]?)$/.test(String(r[i]))));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  cells.forEach((r) => console.log(line(r)));
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 ? 1 : abs >= 1 ? 2 : 3);
}
