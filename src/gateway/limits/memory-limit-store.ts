import type { LimitCheck, LimitDecision, LimitRefusal, LimitStore, LimitWindow } from './limit-store.js';
import { DAY_MS, nextUtcMidnight } from './limit-store.js';

/** A sliding log: entries in time order from `head`; `sum` is the total of the live ones. */
interface SlidingLog {
  kind: 'sliding';
  ms: number;
  at: number[];
  amount: number[];
  head: number;
  sum: number;
}

/** A fixed UTC-day counter. */
interface DayCounter {
  kind: 'utc-day';
  day: number;
  used: number;
}

type Counter = SlidingLog | DayCounter;

/** Operations between sweeps of idle counters. */
const SWEEP_EVERY = 1024;

/**
 * The in-process {@link LimitStore}. `acquire` does its check and take synchronously, before
 * the returned promise exists, so in single-threaded JavaScript nothing can run between them:
 * racing requests are admitted exactly up to the limit. Memory: one entry per distinct
 * millisecond with usage in the last window per key (so at most `limit` entries for a request
 * counter); counters that fall idle are swept away.
 */
export class MemoryLimitStore implements LimitStore {
  readonly #counters = new Map<string, Counter>();
  #ops = 0;

  acquire(checks: readonly LimitCheck[], now: number): Promise<LimitDecision> {
    return Promise.resolve(this.acquireSync(checks, now));
  }

  record(key: string, window: LimitWindow, amount: number, now: number): Promise<void> {
    this.recordSync(key, window, amount, now);
    return Promise.resolve();
  }

  /** {@link LimitStore.acquire}, synchronously. */
  acquireSync(checks: readonly LimitCheck[], now: number): LimitDecision {
    this.#maybeSweep(now);
    const refusals: LimitRefusal[] = [];
    const counters = checks.map((c) => this.#counter(c.key, c.window, now));
    checks.forEach((c, index) => {
      const used = usage(counters[index]);
      if (used >= c.limit) refusals.push({ index, used, retryAfterMs: retryAfter(counters[index], c.limit, now) });
    });
    if (refusals.length > 0) return { admitted: false, refusals };
    checks.forEach((c, i) => add(counters[i], c.take, now));
    return { admitted: true };
  }

  /** {@link LimitStore.record}, synchronously. */
  recordSync(key: string, window: LimitWindow, amount: number, now: number): void {
    if (!(amount > 0)) return;
    add(this.#counter(key, window, now), amount, now);
  }

  /** The usage of a window at `now` (0 for an unknown key); for tests and reports. */
  usage(key: string, now: number): number {
    const c = this.#counters.get(key);
    if (!c) return 0;
    refresh(c, now);
    return usage(c);
  }

  /** The counter for `key`, brought up to `now` (expired entries dropped, a past day reset). */
  #counter(key: string, window: LimitWindow, now: number): Counter {
    let c = this.#counters.get(key);
    if (!c || c.kind !== window.kind || (c.kind === 'sliding' && window.kind === 'sliding' && c.ms !== window.ms)) {
      c = window.kind === 'sliding'
        ? { kind: 'sliding', ms: window.ms, at: [], amount: [], head: 0, sum: 0 }
        : { kind: 'utc-day', day: dayOf(now), used: 0 };
      this.#counters.set(key, c);
    }
    refresh(c, now);
    return c;
  }

  #maybeSweep(now: number): void {
    if (++this.#ops % SWEEP_EVERY !== 0) return;
    for (const [key, c] of this.#counters) {
      refresh(c, now);
      if (usage(c) === 0) this.#counters.delete(key);
    }
  }
}

const dayOf = (now: number) => Math.floor(now / DAY_MS);

function usage(c: Counter): number {
  return c.kind === 'sliding' ? c.sum : c.used;
}

/** Drops what has left the window by `now`: entries at or before `now - ms`, or a past day. */
function refresh(c: Counter, now: number): void {
  if (c.kind === 'utc-day') {
    const day = dayOf(now);
    if (c.day !== day) {
      c.day = day;
      c.used = 0;
    }
    return;
  }
  while (c.head < c.at.length && c.at[c.head] + c.ms <= now) {
    c.sum -= c.amount[c.head];
    c.head++;
  }
  if (c.head === c.at.length) {
    c.at = [];
    c.amount = [];
    c.head = 0;
    c.sum = 0;
  } else if (c.head > 64 && c.head * 2 > c.at.length) {
    c.at = c.at.slice(c.head);
    c.amount = c.amount.slice(c.head);
    c.head = 0;
  }
}

function add(c: Counter, amount: number, now: number): void {
  if (amount <= 0) return;
  if (c.kind === 'utc-day') {
    c.used += amount;
    return;
  }
  const last = c.at.length - 1;
  // Entries of the same millisecond expire together: one entry keeps memory to one per ms.
  if (last >= c.head && c.at[last] === now) c.amount[last] += amount;
  else {
    c.at.push(now);
    c.amount.push(amount);
  }
  c.sum += amount;
}

/**
 * Milliseconds until the window's usage is below `limit`: a day counter waits for midnight; a
 * sliding log for the oldest entries to expire until what is left is under the limit.
 */
function retryAfter(c: Counter, limit: number, now: number): number {
  if (c.kind === 'utc-day') return nextUtcMidnight(now) - now;
  let left = c.sum;
  for (let i = c.head; i < c.at.length; i++) {
    left -= c.amount[i];
    if (left < limit) return Math.max(1, c.at[i] + c.ms - now);
  }
  return c.ms;
}
