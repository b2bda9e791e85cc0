import type { UsageReport, UsageRow, UsageTotals } from './usage-report.js';

/** Output formats of `gemserve usage` and the admin API. */
export const USAGE_FORMATS = ['table', 'json', 'csv'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

/** Micro-dollars as a USD amount with six decimals, exact (no float division). */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / 1e6)}.${String(abs % 1e6).padStart(6, '0')}`;
}

const COUNT_COLUMNS: [keyof UsageTotals, string][] = [
  ['requests', 'requests'], ['errors', 'errors'], ['promptTokens', 'prompt_tokens'],
  ['candidatesTokens', 'candidates_tokens'], ['thoughtsTokens', 'thoughts_tokens'], ['cachedTokens', 'cached_tokens'],
  ['toolUsePromptTokens', 'tool_use_prompt_tokens'], ['totalTokens', 'total_tokens'],
];

function groupHeader(report: UsageReport): string[] {
  if (report.by === 'key') return ['key_id', 'key_name'];
  return report.by ? [report.by] : [];
}

function cells(report: UsageReport, r: UsageRow): string[] {
  return [
    ...(report.interval ? [r.start ?? ''] : []),
    ...(report.by === 'key' ? [r.group ?? '', r.name ?? ''] : report.by ? [r.group ?? ''] : []),
    ...COUNT_COLUMNS.map(([k]) => String(r[k])),
    formatMicros(r.costMicros),
  ];
}

function header(report: UsageReport): string[] {
  return [...(report.interval ? ['start'] : []), ...groupHeader(report), ...COUNT_COLUMNS.map(([, h]) => h), 'cost_usd'];
}

/** RFC 4180: quote fields with a comma, quote or line break; double the quotes. A leading =+-@ is neutralised for spreadsheets. */
function csvField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: a header line, one line per row, CRLF line ends (RFC 4180). Totals are not a row. */
export function formatUsageCsv(report: UsageReport): string {
  const lines = [header(report), ...report.rows.map((r) => cells(report, r))];
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The report as JSON, costs also in USD strings (`costUsd`) next to the exact micro-dollars. */
export function formatUsageJson(report: UsageReport): string {
  const withUsd = <T extends UsageTotals>(t: T) => ({ ...t, costUsd: formatMicros(t.costMicros) });
  return `${JSON.stringify({ ...report, rows: report.rows.map(withUsd), totals: withUsd(report.totals) }, null, 2)}\n`;
}

/** The report as an aligned text table with a TOTAL line, for terminals. */
export function formatUsageTable(report: UsageReport): string {
  const head = header(report).map((h) => h.toUpperCase());
  const body = report.rows.map((r) => cells(report, r));
  const lead = head.length - COUNT_COLUMNS.length - 1;
  const total = [...(lead > 0 ? ['TOTAL', ...Array<string>(lead - 1).fill('')] : []),
    ...COUNT_COLUMNS.map(([k]) => String(report.totals[k])), formatMicros(report.totals.costMicros)];
  const all = [head, ...body, ...(lead > 0 ? [total] : [])];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i < lead ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The report in `format`. */
export function formatUsageReport(report: UsageReport, format: UsageFormat): string {
  if (format === 'json') return formatUsageJson(report);
  if (format === 'csv') return formatUsageCsv(report);
  return formatUsageTable(report);
}
