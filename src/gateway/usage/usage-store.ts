import type { UsageRecord } from '../usage-record.js';

/** A metered request as stored: the UsageRecord, its id (`usage-…`), its cost and batch flag. */
export interface UsageEntry extends UsageRecord {
  /** `usage-` and 20 random characters. */
  id: string;
  /** Ran through the Batch API (billed at 50%). */
  batch: boolean;
  /** Cost in micro-dollars (USD × 1e6), an integer; see compute-cost.ts. */
  costMicros: number;
}

/** Which entries to read: `at` in `[since, until)`, as milliseconds since the epoch. */
export interface UsageFilter {
  since?: number;
  until?: number;
}

/**
 * Where usage entries are kept: in memory (tests, servers without a data dir) or in the
 * server's SQLite file (sqlite-usage-store.ts). Synchronous, like the UsageSink that feeds it.
 */
export interface UsageStore {
  add(entry: UsageEntry): void;
  /** Entries in the window, oldest first. */
  list(filter?: UsageFilter): UsageEntry[];
  /**
   * Moves every entry of caller `from` to caller `to` (ids only; names are kept); returns how many.
   * For migrations of caller ids: `--api-key` keys were counted as `static:<hash8>` before a
   * caller had one id (src/cli/adopt-caller-ids.ts).
   */
  reassignCaller(from: string, to: string): number;
  close(): void;
}

/** `at` of an entry in milliseconds. */
export const atMs = (e: Pick<UsageRecord, 'at'>): number => Date.parse(e.at);

/** Whether `ms` falls in the filter's window. */
export function inWindow(ms: number, f: UsageFilter = {}): boolean {
  return (f.since === undefined || ms >= f.since) && (f.until === undefined || ms < f.until);
}
