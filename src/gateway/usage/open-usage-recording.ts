import { openDatabase } from '../../storage/sqlite/open-database.js';
import type { UsageSink } from '../usage-record.js';
import { PriceTable, type PriceOverrides } from './price-table.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';
import { createUsageRecorder } from './usage-recorder.js';
import type { UsageStore } from './usage-store.js';

/** A server's usage recording: the store, the sink that prices and stores each record, and its close. */
export interface UsageRecording {
  store: UsageStore;
  sink: UsageSink;
  prices: PriceTable;
  close(): void;
}

/**
 * Opens usage recording in the SQLite file `file` (`<dataDir>/gemserve.db`) with Google's prices
 * and `overrides` (the `prices` setting). Throws when the file cannot be opened or a price is bad.
 */
export function openUsageRecording(opts: { file: string; overrides?: PriceOverrides; onError?: (e: unknown) => void }): UsageRecording {
  const prices = new PriceTable(opts.overrides);
  const db = openDatabase(opts.file);
  try {
    const store = new SqliteUsageStore(db);
    return { store, prices, sink: createUsageRecorder(store, prices, opts.onError), close: () => db.close() };
  } catch (e) {
    db.close();
    throw e;
  }
}
