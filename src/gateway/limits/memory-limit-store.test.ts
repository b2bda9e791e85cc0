import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MINUTE_MS, type LimitCheck } from './limit-store.js';
import { runLimitStoreContract } from './limit-store.case.js';
import { MemoryLimitStore } from './memory-limit-store.js';

runLimitStoreContract('memory', () => ({ store: new MemoryLimitStore() }));

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const SECOND = 1000;
const minute = (key: string, limit: number, take = 1): LimitCheck => ({ key, window: { kind: 'sliding', ms: MINUTE_MS }, limit, take });

describe('MemoryLimitStore specifics', () => {
  it('decides synchronously: acquireSync and recordSync are acquire and record without the promise', async () => {
    const s = new MemoryLimitStore();
    assert.deepEqual(s.acquireSync([minute('k', 2)], T0), { admitted: true });
    s.recordSync('k', { kind: 'sliding', ms: MINUTE_MS }, 1, T0 + SECOND);
    assert.deepEqual(s.acquireSync([minute('k', 2)], T0 + 2 * SECOND), { admitted: false, refusals: [{ index: 0, used: 2, retryAfterMs: 58 * SECOND }] });
    assert.deepEqual(await s.acquire([minute('k', 2)], T0 + MINUTE_MS), { admitted: true });
  });

  it('usage() reads a window without touching it; unknown keys are 0', () => {
    const s = new MemoryLimitStore();
    s.acquireSync([minute('k', 5)], T0);
    s.acquireSync([minute('k', 5)], T0 + 30 * SECOND);
    assert.equal(s.usage('k', T0 + 30 * SECOND), 2);
    assert.equal(s.usage('k', T0 + MINUTE_MS), 1);
    assert.equal(s.usage('nobody', T0), 0);
  });
});
