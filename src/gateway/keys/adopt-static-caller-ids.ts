import type { UsageStore } from '../usage/usage-store.js';
import { staticCaller } from './resolve-caller.js';

/**
 * Usage recorded for `--api-key` keys before a caller had one identity went to the caller id
 * `static:<hash8>` (now the key's name in reports), while its Files, caches and batches were
 * already owned by the key's caller id. Moves those records to the caller id, so a key's usage
 * stays one caller's; idempotent, run when the server starts with its keys. Returns how many moved.
 */
export function adoptStaticCallerIds(store: UsageStore, apiKeys: readonly string[]): number {
  let moved = 0;
  for (const key of apiKeys) {
    const caller = staticCaller(key);
    moved += store.reassignCaller(caller.name, caller.id);
  }
  return moved;
}
