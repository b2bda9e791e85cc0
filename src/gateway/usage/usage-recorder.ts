import { randomToken } from '../../storage/random-id.js';
import type { UsageRecord, UsageSink } from '../usage-record.js';
import { computeCostMicros } from './compute-cost.js';
import type { PriceTable } from './price-table.js';
import type { UsageEntry, UsageStore } from './usage-store.js';

/**
 * A UsageRecord that may say it came through the Batch API (billed at 50%), and may carry its
 * entry id: a batch request's is fixed (`batch-<job>-<index>`), so the stores keep one entry
 * however often the request ran.
 */
export type MeteredRecord = UsageRecord & { batch?: boolean; usageId?: string };

/** A new usage entry id: `usage-` and 20 base64url characters (120 bits). */
export function newUsageId(): string {
  return `usage-${randomToken(15)}`;
}

/**
 * The UsageSink that prices each record (price-table.ts, compute-cost.ts) and stores it. A store
 * that fails (disk full) must not fail the request that is already answered: the error goes to
 * `onError` and the record is lost.
 */
export function createUsageRecorder(
  store: UsageStore,
  prices: PriceTable,
  onError: (e: unknown) => void = () => {},
): UsageSink {
  return (record: MeteredRecord) => {
    const { usageId, ...rest } = record;
    const entry: UsageEntry = {
      ...rest,
      id: usageId ?? newUsageId(),
      batch: record.batch === true,
      costMicros: computeCostMicros(record, prices.priceOf(record.model)),
    };
    try {
      store.add(entry);
    } catch (e) {
      onError(e);
    }
  };
}
