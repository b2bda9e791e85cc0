/**
 * The shared LimitStore contract (as key-store.case.ts is for key stores): every implementation
 * registers it from its own test and must pass all of it. Written against the interface only,
 * so a store kept elsewhere (Redis) passes the same cases: time is a FakeClock whose `now()` is
 * handed to every call, and each case counts under keys of its own, so a store shared between
 * cases (one Redis database) does not mix them up.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { DAY_MS, MINUTE_MS, nextUtcMidnight, type LimitCheck, type LimitDecision, type LimitRefusal, type LimitStore, type LimitWindow } from './limit-store.js';

/** A store to run the cases on, and how to close it. */
export interface OpenedLimitStore {
  store: LimitStore;
  close?: () => Promise<void> | void;
}

/** Opens a store (fresh, or shared: every case uses keys of its own). */
export type OpenLimitStore = () => Promise<OpenedLimitStore> | OpenedLimitStore;

const SECOND = 1000;
/** Noon, 1 January 2025 UTC. */
const NOON = Date.UTC(2025, 0, 1, 12);
const SLIDING_MINUTE: LimitWindow = { kind: 'sliding', ms: MINUTE_MS };
const UTC_DAY: LimitWindow = { kind: 'utc-day' };

function refusals(d: LimitDecision): LimitRefusal[] {
  assert.equal(d.admitted, false, 'expected a refusal');
  return d.admitted ? [] : d.refusals;
}

export function runLimitStoreContract(name: string, open: OpenLimitStore): void {
  describe(`LimitStore contract: ${name}`, () => {
    /** Runs a case on an opened store, a clock at `start`, and key names unique to the case. */
    const withStore = (fn: (s: LimitStore, clock: FakeClock, key: (name: string) => string) => Promise<void>, start = NOON) => async () => {
      const opened = await open();
      const prefix = randomUUID();
      try {
        await fn(opened.store, new FakeClock(start), (k) => `${prefix}|${k}`);
      } finally {
        await opened.close?.();
      }
    };
    const minute = (key: string, limit: number, take = 1): LimitCheck => ({ key, window: SLIDING_MINUTE, limit, take });
    const day = (key: string, limit: number): LimitCheck => ({ key, window: UTC_DAY, limit, take: 1 });
    /**
     * A window's usage at `now`, read through the interface: a check with limit 0 never admits
     * (usage is never below 0) and takes nothing, and a refusal reports the usage.
     */
    const usage = async (s: LimitStore, key: string, window: LimitWindow, now: number) =>
      refusals(await s.acquire([{ key, window, limit: 0, take: 0 }], now))[0].used;

    it('admits up to the limit in any sliding minute, and says exactly when the next request fits', withStore(async (s, clock, key) => {
      const k = key('rpm');
      for (const at of [0, 10, 20]) assert.equal((await s.acquire([minute(k, 3)], clock.now() + at * SECOND)).admitted, true);
      assert.deepEqual(refusals(await s.acquire([minute(k, 3)], NOON + 30 * SECOND)), [{ index: 0, used: 3, retryAfterMs: 30 * SECOND }]);
      assert.deepEqual(refusals(await s.acquire([minute(k, 3)], NOON + MINUTE_MS - 1)), [{ index: 0, used: 3, retryAfterMs: 1 }]);
      // The first request leaves the window exactly one minute after it was admitted.
      assert.equal((await s.acquire([minute(k, 3)], NOON + MINUTE_MS)).admitted, true);
      // Now 10 s, 20 s and 60 s are in the window: the next slot frees at 10 s + 1 min.
      assert.deepEqual(refusals(await s.acquire([minute(k, 3)], NOON + MINUTE_MS)), [{ index: 0, used: 3, retryAfterMs: 10 * SECOND }]);
    }));

    it('takes nothing for a refused request', withStore(async (s, clock, key) => {
      const k = key('rpm');
      await s.acquire([minute(k, 1)], clock.now());
      for (let i = 0; i < 5; i++) refusals(await s.acquire([minute(k, 1)], NOON + i * SECOND));
      assert.equal(await usage(s, k, SLIDING_MINUTE, NOON + 5 * SECOND), 1);
      assert.equal((await s.acquire([minute(k, 1)], NOON + MINUTE_MS)).admitted, true);
    }));

    it('is all or nothing across windows: one refusal takes from none, and every refusing window is named', withStore(async (s, clock, key) => {
      const [a, b, c] = [key('a'), key('b'), key('c')];
      assert.equal((await s.acquire([minute(a, 1), minute(b, 5), day(c, 2)], clock.now())).admitted, true);
      clock.advance(SECOND);
      assert.deepEqual(refusals(await s.acquire([minute(a, 1), minute(b, 5), day(c, 2)], clock.now())).map((r) => r.index), [0]);
      assert.equal(await usage(s, b, SLIDING_MINUTE, clock.now()), 1);
      assert.equal(await usage(s, c, UTC_DAY, clock.now()), 1);
      assert.deepEqual(refusals(await s.acquire([minute(b, 1), minute(a, 1), day(c, 1)], clock.now())), [
        { index: 0, used: 1, retryAfterMs: MINUTE_MS - SECOND },
        { index: 1, used: 1, retryAfterMs: MINUTE_MS - SECOND },
        { index: 2, used: 1, retryAfterMs: nextUtcMidnight(clock.now()) - clock.now() },
      ]);
      assert.equal(await usage(s, c, UTC_DAY, clock.now()), 1);
    }));

    it('a check that takes nothing admits while recorded usage is below its limit (tokens per minute)', withStore(async (s, clock, key) => {
      const t = key('tpm');
      await s.record(t, SLIDING_MINUTE, 60, clock.now());
      await s.record(t, SLIDING_MINUTE, 50, NOON + 20 * SECOND);
      assert.equal((await s.acquire([minute(t, 111, 0)], NOON + 30 * SECOND)).admitted, true);
      assert.equal(await usage(s, t, SLIDING_MINUTE, NOON + 30 * SECOND), 110, 'a check with take 0 adds nothing');
      // 110 used, limit 100: once the 60 leave (at NOON + 1 min) 50 remain, under the limit.
      assert.deepEqual(refusals(await s.acquire([minute(t, 100, 0)], NOON + 30 * SECOND)), [{ index: 0, used: 110, retryAfterMs: 30 * SECOND }]);
      // Limit 50: both entries must leave; the second does at NOON + 20 s + 1 min.
      assert.deepEqual(refusals(await s.acquire([minute(t, 50, 0)], NOON + 30 * SECOND)), [{ index: 0, used: 110, retryAfterMs: 50 * SECOND }]);
      assert.equal((await s.acquire([minute(t, 100, 0)], NOON + MINUTE_MS)).admitted, true);
    }));

    it('record adds unconditionally, past the limit, and nothing for an amount of 0', withStore(async (s, clock, key) => {
      const t = key('tpm');
      await s.record(t, SLIDING_MINUTE, 90, clock.now());
      await s.record(t, SLIDING_MINUTE, 90, clock.now());
      await s.record(t, SLIDING_MINUTE, 0, clock.now());
      assert.equal(await usage(s, t, SLIDING_MINUTE, clock.now()), 180);
      assert.deepEqual(refusals(await s.acquire([minute(t, 100, 0)], clock.now())), [{ index: 0, used: 180, retryAfterMs: MINUTE_MS }]);
    }));

    it('expires each entry exactly one window after it was taken, as the clock moves', withStore(async (s, clock, key) => {
      const k = key('rpm');
      const short: LimitWindow = { kind: 'sliding', ms: 10 * SECOND };
      const check = (limit: number): LimitCheck => ({ key: k, window: short, limit, take: 1 });
      for (let i = 0; i < 4; i++) {
        assert.equal((await s.acquire([check(4)], clock.now())).admitted, true);
        clock.advance(2 * SECOND);
      }
      // Taken at 0, 2, 4 and 6 s; now 8 s.
      assert.deepEqual(refusals(await s.acquire([check(4)], clock.now())), [{ index: 0, used: 4, retryAfterMs: 2 * SECOND }]);
      clock.advance(2 * SECOND - 1);
      assert.equal(await usage(s, k, short, clock.now()), 4, 'one millisecond early, nothing has left');
      clock.advance(1);
      assert.equal(await usage(s, k, short, clock.now()), 3);
      clock.advance(5 * SECOND);
      assert.equal(await usage(s, k, short, clock.now()), 1, 'at 15 s only the entry of 6 s is left');
      clock.advance(SECOND);
      assert.equal(await usage(s, k, short, clock.now()), 0);
      assert.equal((await s.acquire([check(1)], clock.now())).admitted, true);
    }));

    it('keeps windows of different keys apart', withStore(async (s, clock, key) => {
      assert.equal((await s.acquire([minute(key('alice'), 1)], clock.now())).admitted, true);
      assert.equal((await s.acquire([minute(key('bob'), 1)], clock.now())).admitted, true);
      refusals(await s.acquire([minute(key('alice'), 1)], clock.now()));
      assert.equal(await usage(s, key('carol'), SLIDING_MINUTE, clock.now()), 0);
    }));

    it('counts per UTC day, refuses until midnight with the exact wait, and resets at 00:00 UTC', withStore(async (s, clock, key) => {
      const d = key('rpd');
      assert.equal((await s.acquire([day(d, 2)], clock.now())).admitted, true);
      clock.advance(SECOND);
      assert.equal((await s.acquire([day(d, 2)], clock.now())).admitted, true);
      clock.advance(SECOND);
      assert.deepEqual(refusals(await s.acquire([day(d, 2)], clock.now())), [{ index: 0, used: 2, retryAfterMs: 58 * SECOND }]);
      const midnight = Date.UTC(2025, 0, 2);
      assert.equal(nextUtcMidnight(clock.now()), midnight);
      assert.deepEqual(refusals(await s.acquire([day(d, 2)], midnight - 1)), [{ index: 0, used: 2, retryAfterMs: 1 }]);
      assert.equal((await s.acquire([day(d, 2)], midnight)).admitted, true);
      assert.equal(await usage(s, d, UTC_DAY, midnight), 1);
      // A whole day later the count starts again, whatever happened in between.
      assert.equal(await usage(s, d, UTC_DAY, midnight + DAY_MS), 0);
    }, Date.UTC(2025, 0, 1, 23, 59, 0)));

    it('admits exactly the limit when 50 acquisitions race', withStore(async (s, clock, key) => {
      const k = key('race');
      const decisions = await Promise.all(Array.from({ length: 50 }, () => s.acquire([minute(k, 10)], clock.now())));
      assert.equal(decisions.filter((d) => d.admitted).length, 10);
      assert.equal(await usage(s, k, SLIDING_MINUTE, clock.now()), 10);
    }));

    it('stays all or nothing under racing acquisitions over shared windows', withStore(async (s, clock, key) => {
      // Each request takes from its own counter (four of two) and from one shared counter of 6,
      // which binds first: exactly 6 are admitted, and a refused request took from neither.
      const shared = key('shared');
      const own = (i: number) => key(`own-${i % 4}`);
      const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        s.acquire([minute(own(i), 2), day(shared, 6)], clock.now())));
      assert.equal(decisions.filter((d) => d.admitted).length, 6);
      assert.equal(await usage(s, shared, UTC_DAY, clock.now()), 6);
      const owns = await Promise.all([0, 1, 2, 3].map((i) => usage(s, own(i), SLIDING_MINUTE, clock.now())));
      assert.equal(owns.reduce((a, b) => a + b, 0), 6);
      assert.ok(owns.every((n) => n <= 2), `per-counter usage ${owns}`);
    }));

    it('sums racing records exactly', withStore(async (s, clock, key) => {
      const t = key('tpm');
      await Promise.all(Array.from({ length: 100 }, (_, i) => s.record(t, SLIDING_MINUTE, 1 + (i % 3), clock.now())));
      assert.equal(await usage(s, t, SLIDING_MINUTE, clock.now()), 199);
    }));
  });
}
