import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MINUTE_MS, nextUtcMidnight, type LimitCheck, type LimitDecision } from './limit-store.js';
import { MemoryLimitStore } from './memory-limit-store.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const SECOND = 1000;
const minute = (key: string, limit: number, take = 1): LimitCheck => ({ key, window: { kind: 'sliding', ms: MINUTE_MS }, limit, take });
const day = (key: string, limit: number): LimitCheck => ({ key, window: { kind: 'utc-day' }, limit, take: 1 });

function refused(d: LimitDecision): { index: number; used: number; retryAfterMs: number }[] {
  assert.equal(d.admitted, false, 'expected a refusal');
  return d.admitted ? [] : d.refusals;
}

describe('MemoryLimitStore: sliding minute', () => {
  it('admits up to the limit in any minute and says exactly when the next one fits', () => {
    const s = new MemoryLimitStore();
    assert.equal(s.acquireSync([minute('k', 3)], T0).admitted, true);
    assert.equal(s.acquireSync([minute('k', 3)], T0 + 10 * SECOND).admitted, true);
    assert.equal(s.acquireSync([minute('k', 3)], T0 + 20 * SECOND).admitted, true);
    assert.deepEqual(refused(s.acquireSync([minute('k', 3)], T0 + 30 * SECOND)), [{ index: 0, used: 3, retryAfterMs: 30 * SECOND }]);
    assert.deepEqual(refused(s.acquireSync([minute('k', 3)], T0 + MINUTE_MS - 1)), [{ index: 0, used: 3, retryAfterMs: 1 }]);
    // The first request leaves the window exactly one minute after it was admitted.
    assert.equal(s.acquireSync([minute('k', 3)], T0 + MINUTE_MS).admitted, true);
    // Now 10 s, 20 s and 60 s are in the window: the next slot frees at 10 s + 1 min.
    assert.deepEqual(refused(s.acquireSync([minute('k', 3)], T0 + MINUTE_MS)), [{ index: 0, used: 3, retryAfterMs: 10 * SECOND }]);
  });

  it('refused requests take nothing', () => {
    const s = new MemoryLimitStore();
    s.acquireSync([minute('k', 1)], T0);
    for (let i = 0; i < 5; i++) refused(s.acquireSync([minute('k', 1)], T0 + i * SECOND));
    assert.equal(s.usage('k', T0 + 5 * SECOND), 1);
    assert.equal(s.acquireSync([minute('k', 1)], T0 + MINUTE_MS).admitted, true);
  });

  it('is all or nothing across windows: one refusal takes from none', () => {
    const s = new MemoryLimitStore();
    assert.equal(s.acquireSync([minute('a', 1), minute('b', 5)], T0).admitted, true);
    const r = refused(s.acquireSync([minute('a', 1), minute('b', 5)], T0 + SECOND));
    assert.deepEqual(r.map((x) => x.index), [0]);
    assert.equal(s.usage('b', T0 + SECOND), 1);
  });

  it('a check that takes nothing admits while recorded usage is below the limit (tokens)', () => {
    const s = new MemoryLimitStore();
    s.recordSync('t', { kind: 'sliding', ms: MINUTE_MS }, 60, T0);
    s.recordSync('t', { kind: 'sliding', ms: MINUTE_MS }, 50, T0 + 20 * SECOND);
    assert.equal(s.acquireSync([minute('t', 111, 0)], T0 + 30 * SECOND).admitted, true);
    assert.equal(s.usage('t', T0 + 30 * SECOND), 110, 'a check with take 0 adds nothing');
    // 110 used, limit 100: once the 60 leave (at T0 + 1 min) 50 remain, under the limit.
    assert.deepEqual(refused(s.acquireSync([minute('t', 100, 0)], T0 + 30 * SECOND)), [{ index: 0, used: 110, retryAfterMs: 30 * SECOND }]);
    // Limit 50: both entries must leave; the second does at T0 + 20 s + 1 min.
    assert.deepEqual(refused(s.acquireSync([minute('t', 50, 0)], T0 + 30 * SECOND)), [{ index: 0, used: 110, retryAfterMs: 50 * SECOND }]);
    assert.equal(s.acquireSync([minute('t', 100, 0)], T0 + MINUTE_MS).admitted, true);
  });

  it('50 racing acquisitions on a limit of 10 admit exactly 10', async () => {
    const s = new MemoryLimitStore();
    const decisions = await Promise.all(Array.from({ length: 50 }, () => s.acquire([minute('race', 10)], T0)));
    assert.equal(decisions.filter((d) => d.admitted).length, 10);
    assert.equal(s.usage('race', T0), 10);
  });
});

describe('MemoryLimitStore: UTC day', () => {
  it('counts per UTC day, refuses until midnight with the exact wait, and resets at 00:00 UTC', () => {
    const s = new MemoryLimitStore();
    const late = Date.UTC(2025, 0, 1, 23, 59, 0);
    assert.equal(s.acquireSync([day('d', 2)], late).admitted, true);
    assert.equal(s.acquireSync([day('d', 2)], late + SECOND).admitted, true);
    assert.deepEqual(refused(s.acquireSync([day('d', 2)], late + 2 * SECOND)), [{ index: 0, used: 2, retryAfterMs: 58 * SECOND }]);
    const midnight = Date.UTC(2025, 0, 2);
    assert.equal(nextUtcMidnight(late), midnight);
    assert.deepEqual(refused(s.acquireSync([day('d', 2)], midnight - 1)), [{ index: 0, used: 2, retryAfterMs: 1 }]);
    assert.equal(s.acquireSync([day('d', 2)], midnight).admitted, true);
    assert.equal(s.usage('d', midnight), 1);
  });
});
