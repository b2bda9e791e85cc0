import type { Clock } from './clock.js';

/** A clock that moves only when told to: for tests of TTLs and sweepers. */
export class FakeClock implements Clock {
  #now: number;

  /** Starts at `start` (default 2025-01-01T00:00:00Z, so timestamps in tests are readable). */
  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ${ms} is not a non-negative duration`);
    this.#now += ms;
  }
}
