import type { CachedContentRecord } from './cached-content-record.js';

/** The list order: newest first, then by id, so pages are stable when records share a millisecond. */
export function newestFirst(a: CachedContentRecord, b: CachedContentRecord): number {
  return b.createTime - a.createTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
