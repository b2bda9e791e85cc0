import { USAGE_FORMATS, type UsageFormat } from './format-usage-report.js';
import { USAGE_GROUPS, USAGE_INTERVALS, type UsageQuery } from './usage-report.js';

/** A usage query as text (CLI flags, admin API query string). */
export interface UsageQueryText {
  since?: string;
  until?: string;
  by?: string;
  interval?: string;
  format?: string;
}

/** A bad query value; the message names the parameter. */
export class UsageQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageQueryError';
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A time bound: an ISO 8601 date or date-time (UTC unless it has an offset). A date alone is
 * the start of that UTC day for `since` and the end of it for `until`, so
 * `--since 2026-11-01 --until 2026-11-30` covers all of November's first 30 days.
 */
export function parseTimeBound(name: 'since' | 'until', text: string): number {
  const t = text.trim();
  const iso = DATE_ONLY.test(t) ? `${t}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? t : `${t}Z`;
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(ms)) {
    throw new UsageQueryError(`${name} must be a date like 2026-11-01 or 2026-11-01T12:00:00Z (got ${JSON.stringify(text)})`);
  }
  return name === 'until' && DATE_ONLY.test(t) ? ms + 86_400_000 : ms;
}

function oneOf<W extends string>(name: string, words: readonly W[], v: string | undefined): W | undefined {
  if (v === undefined || v === '') return undefined;
  if (!words.includes(v as W)) throw new UsageQueryError(`${name} must be one of ${words.join(', ')} (got ${JSON.stringify(v)})`);
  return v as W;
}

/** Parses and checks a usage query. Throws {@link UsageQueryError}. */
export function parseUsageQuery(text: UsageQueryText): UsageQuery & { format?: UsageFormat } {
  const since = text.since ? parseTimeBound('since', text.since) : undefined;
  const until = text.until ? parseTimeBound('until', text.until) : undefined;
  if (since !== undefined && until !== undefined && until <= since) throw new UsageQueryError('until must be after since');
  const by = oneOf('by', USAGE_GROUPS, text.by);
  const interval = oneOf('interval', USAGE_INTERVALS, text.interval);
  const format = oneOf('format', USAGE_FORMATS, text.format);
  return {
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(by ? { by } : {}),
    ...(interval ? { interval } : {}),
    ...(format ? { format } : {}),
  };
}
