import type { UsageEntry, UsageFilter, UsageStore } from './usage-store.js';

/** What rows are grouped by: the caller's key, the model, or the client (`x-goog-api-client`). */
export const USAGE_GROUPS = ['key', 'model', 'client'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** Time buckets of a series, in UTC. */
export const USAGE_INTERVALS = ['hour', 'day'] as const;
export type UsageInterval = (typeof USAGE_INTERVALS)[number];

/** A report's question: a window, an optional grouping, an optional time series. */
export interface UsageQuery extends UsageFilter {
  by?: UsageGroup;
  interval?: UsageInterval;
}

/** Sums over a set of entries. */
export interface UsageTotals {
  requests: number;
  /** Entries with an `error` (HTTP failures and streams that failed in-band). */
  errors: number;
  promptTokens: number;
  candidatesTokens: number;
  thoughtsTokens: number;
  cachedTokens: number;
  toolUsePromptTokens: number;
  totalTokens: number;
  costMicros: number;
}

/** One row: the totals of one group (and one time bucket, for a series). */
export interface UsageRow extends UsageTotals {
  /** Start of the bucket (ISO 8601, UTC), in a series. */
  start?: string;
  /** The group's value: key id, model id or client string; absent without `by`. */
  group?: string;
  /** For `by: key`, the key's human name. */
  name?: string;
}

/** A report: rows ordered by bucket then group, and the totals of the whole window. */
export interface UsageReport {
  since?: string;
  until?: string;
  by?: UsageGroup;
  interval?: UsageInterval;
  rows: UsageRow[];
  totals: UsageTotals;
}

const INTERVAL_MS: Record<UsageInterval, number> = { hour: 3_600_000, day: 86_400_000 };

/** Zero totals. */
export function emptyTotals(): UsageTotals {
  return {
    requests: 0, errors: 0, promptTokens: 0, candidatesTokens: 0, thoughtsTokens: 0, cachedTokens: 0,
    toolUsePromptTokens: 0, totalTokens: 0, costMicros: 0,
  };
}

function addTo(t: UsageTotals, e: UsageEntry): void {
  t.requests += 1;
  if (e.error !== undefined) t.errors += 1;
  t.promptTokens += e.promptTokens;
  t.candidatesTokens += e.candidatesTokens;
  t.thoughtsTokens += e.thoughtsTokens;
  t.cachedTokens += e.cachedTokens;
  t.toolUsePromptTokens += e.toolUsePromptTokens;
  t.totalTokens += e.totalTokens;
  t.costMicros += e.costMicros;
}

function groupOf(e: UsageEntry, by: UsageGroup): string {
  if (by === 'key') return e.callerId;
  if (by === 'model') return e.model;
  return e.apiClient;
}

/**
 * Sums entries into a report. Buckets are UTC hours or days (`start` = the bucket's first
 * instant); only buckets with entries appear. Keys are grouped by id (names may repeat), and
 * the row carries the latest name seen for it.
 */
export function summarizeUsage(entries: Iterable<UsageEntry>, q: UsageQuery = {}): UsageReport {
  const rows = new Map<string, UsageRow>();
  const totals = emptyTotals();
  for (const e of entries) {
    addTo(totals, e);
    const ms = Date.parse(e.at);
    const bucket = q.interval ? Math.floor(ms / INTERVAL_MS[q.interval]) * INTERVAL_MS[q.interval] : undefined;
    const group = q.by ? groupOf(e, q.by) : undefined;
    const id = `${bucket ?? ''}\0${group ?? ''}`;
    let row = rows.get(id);
    if (!row) {
      row = {
        ...(bucket !== undefined ? { start: new Date(bucket).toISOString() } : {}),
        ...(group !== undefined ? { group } : {}),
        ...emptyTotals(),
      };
      rows.set(id, row);
    }
    if (q.by === 'key') row.name = e.callerName;
    addTo(row, e);
  }
  const sorted = [...rows.values()].sort((a, b) =>
    (a.start ?? '').localeCompare(b.start ?? '') || (a.group ?? '').localeCompare(b.group ?? ''));
  // Totals first in key order so JSON reads naturally: start, group, name, counts.
  const ordered = sorted.map((r) => ({
    ...(r.start !== undefined ? { start: r.start } : {}),
    ...(r.group !== undefined ? { group: r.group } : {}),
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...pickTotals(r),
  }));
  return {
    ...(q.since !== undefined ? { since: new Date(q.since).toISOString() } : {}),
    ...(q.until !== undefined ? { until: new Date(q.until).toISOString() } : {}),
    ...(q.by ? { by: q.by } : {}),
    ...(q.interval ? { interval: q.interval } : {}),
    rows: ordered,
    totals,
  };
}

function pickTotals(r: UsageTotals): UsageTotals {
  const t = emptyTotals();
  for (const k of Object.keys(t) as (keyof UsageTotals)[]) t[k] = r[k];
  return t;
}

/** Reads the query's window from the store and summarizes it. */
export function reportUsage(store: UsageStore, q: UsageQuery = {}): UsageReport {
  return summarizeUsage(store.list({ since: q.since, until: q.until }), q);
}
