import type { ModelCatalog } from '../../core/catalog/model-catalog.js';
import type { CachedContentRecord } from '../../storage/cached-contents/cached-content-record.js';
import type { CachedContentStore } from '../../storage/cached-contents/cached-content-store.js';
import { CachedContentSweeper } from '../../storage/cached-contents/cached-content-sweeper.js';

/**
 * Tells the engine of each record's model to free what it kept for that cache
 * (`Engine.releaseCachedPrefix`). A failure is reported to `onError` and the others still go:
 * the cache is gone either way, the engine only holds memory longer.
 */
export async function releaseCachedPrefixes(
  catalog: ModelCatalog, records: readonly CachedContentRecord[], onError: (e: unknown, record: CachedContentRecord) => void,
): Promise<void> {
  for (const record of records) {
    const engine = catalog.get(record.model)?.engine;
    try {
      await engine?.releaseCachedPrefix?.(`cachedContents/${record.id}`);
    } catch (e) {
      onError(e, record);
    }
  }
}

/** The sweeper of expired cached contents that also releases their engine state (serve starts it). */
export function createCachedContentSweeper(opts: {
  store: CachedContentStore; catalog: ModelCatalog; onError: (e: unknown) => void;
}): CachedContentSweeper {
  return new CachedContentSweeper({
    store: opts.store,
    onExpired: (records) => releaseCachedPrefixes(opts.catalog, records, opts.onError),
    onError: opts.onError,
  });
}
