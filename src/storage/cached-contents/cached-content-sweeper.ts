import { PeriodicSweep } from '../periodic-sweep.js';
import type { CachedContentRecord } from './cached-content-record.js';
import type { CachedContentStore } from './cached-content-store.js';

/**
 * How often the server deletes expired cached contents. Expired ones are already invisible to
 * requests; the sweep frees their rows and, through `onExpired`, what engines kept for them.
 */
export const CACHED_CONTENT_SWEEP_INTERVAL_MS = 60 * 1000;

/** What the sweeper is told and does. */
export interface CachedContentSweeperOptions {
  store: CachedContentStore;
  /** Called with each sweep's deleted records (e.g. to release engine state); may be async. */
  onExpired: (records: CachedContentRecord[]) => Promise<void> | void;
  /** Errors of a sweep or of `onExpired`; the server keeps going. */
  onError?: (e: unknown) => void;
}

/** Deletes expired cached contents every interval and reports them, until closed. */
export class CachedContentSweeper implements AsyncDisposable {
  readonly #opts: CachedContentSweeperOptions;
  readonly #periodic = new PeriodicSweep();

  constructor(opts: CachedContentSweeperOptions) {
    this.#opts = opts;
  }

  /** One sweep now: deletes the expired records, hands them to `onExpired`, returns them. */
  async sweepNow(): Promise<CachedContentRecord[]> {
    const expired = await this.#opts.store.sweep();
    if (expired.length > 0) await this.#opts.onExpired(expired);
    return expired;
  }

  /** Sweeps every `intervalMs` until {@link close}. */
  start(intervalMs = CACHED_CONTENT_SWEEP_INTERVAL_MS): void {
    this.#periodic.start(intervalMs, () => this.sweepNow(), (e) => this.#opts.onError?.(e));
  }

  /** Stops the timer and waits for a sweep in progress. Idempotent. */
  close(): Promise<void> {
    return this.#periodic.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
