import type { Clock } from '../../storage/clock.js';
import type { CachedContentStore } from '../../storage/cached-contents/cached-content-store.js';

/** Context caching as `createApp` is given it (the `cachedContents` routes and their use by generate requests). */
export interface CachedContentsConfig {
  store: CachedContentStore;
  /**
   * The smallest cache accepted, in tokens (`--cached-content-min-tokens`); smaller ones get
   * Google's "Cached content is too small" 400. 0: any size.
   */
  minTokens: number;
  /** The store's clock, for checks of a requested `expireTime`; the system clock when absent. */
  clock?: Clock;
}
