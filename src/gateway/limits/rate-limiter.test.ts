import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import type { Caller } from '../caller.js';
import type { UsageRecord } from '../usage-record.js';
import { GEMINI_QUOTAS, SIDE_QUOTAS } from './gemini-quotas.js';
import { MINUTE_MS } from './limit-store.js';
import { RateLimiter, type Admission } from './rate-limiter.js';

const ALICE: Caller = { id: 'key-alice', name: 'alice' };
const BOB: Caller = { id: 'key-bob', name: 'bob' };
const MODEL = 'gemini-2.0-flash';

function refusal(a: Admission) {
  assert.equal(a.admitted, false, 'expected a refusal');
  return a as Extract<Admission, { admitted: false }>;
}

function usage(over: Partial<UsageRecord>): UsageRecord {
  return {
    at: new Date(0).toISOString(), callerId: ALICE.id, callerName: ALICE.name, model: MODEL, method: 'generateContent',
    apiClient: '', status: 200, promptTokens: 0, candidatesTokens: 0, thoughtsTokens: 0, cachedTokens: 0,
    toolUsePromptTokens: 0, totalTokens: 0, cacheHit: false, latencyMs: 1, ...over,
  };
}

describe('RateLimiter', () => {
  it('combines limits: a caller\'s own quota replaces the default, the model\'s bounds both', () => {
    const limiter = new RateLimiter({ defaults: { rpm: 10, rpd: 100 }, models: { [MODEL]: { rpm: 5, tpm: 1000 } } });
    assert.deepEqual(limiter.quotasFor(ALICE, MODEL), { rpm: 5, tpm: 1000, rpd: 100 });
    assert.deepEqual(limiter.quotasFor({ ...ALICE, quotas: { rpm: 2, rpd: 500 } }, MODEL), { rpm: 2, tpm: 1000, rpd: 500 });
    assert.deepEqual(limiter.quotasFor(ALICE, 'other'), { rpm: 10, rpd: 100 });
    assert.deepEqual(new RateLimiter().quotasFor(ALICE, MODEL), {});
  });

  it('refuses over RPM with a PerMinute QuotaFailure and the exact wait, then admits again', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, defaults: { rpm: 2 } });
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    clock.advance(15_000);
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    clock.advance(5_000);
    const r = refusal(await limiter.admit(ALICE, MODEL));
    assert.deepEqual(r.violations, [{ ...GEMINI_QUOTAS.rpm, model: MODEL, limit: 2 }]);
    assert.match(r.violations[0].quotaId, /PerMinute/);
    assert.equal(r.retryAfterMs, 40_000);
    clock.advance(40_000);
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
  });

  it('counts per (caller, model): another key or another model has its own budget', async () => {
    const limiter = new RateLimiter({ clock: new FakeClock(), defaults: { rpm: 1 } });
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, false);
    assert.equal((await limiter.admit(BOB, MODEL)).admitted, true);
    assert.equal((await limiter.admit(ALICE, 'gemini-2.5-flash')).admitted, true);
  });

  it('an alias shares its target\'s counters', async () => {
    const limiter = new RateLimiter({
      clock: new FakeClock(), defaults: { rpm: 1 },
      canonicalModel: (m) => (m === 'gemini-flash-latest' ? 'gemini-2.5-flash' : m),
    });
    assert.equal((await limiter.admit(ALICE, 'gemini-2.5-flash')).admitted, true);
    const r = refusal(await limiter.admit(ALICE, 'gemini-flash-latest'));
    assert.equal(r.violations[0].model, 'gemini-2.5-flash');
  });

  it('RPD: a PerDay violation until the next UTC midnight, then a fresh day', async () => {
    const clock = new FakeClock(Date.UTC(2025, 5, 1, 22, 0, 0));
    const limiter = new RateLimiter({ clock, defaults: { rpd: 3 } });
    for (let i = 0; i < 3; i++) assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    const r = refusal(await limiter.admit(ALICE, MODEL));
    assert.deepEqual(r.violations, [{ ...GEMINI_QUOTAS.rpd, model: MODEL, limit: 3 }]);
    assert.match(r.violations[0].quotaId, /PerDay/);
    assert.equal(r.retryAfterMs, 2 * 3600_000);
    clock.advance(2 * 3600_000);
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
  });

  it('over several limits, lists each and waits for the longest', async () => {
    const clock = new FakeClock(Date.UTC(2025, 5, 1, 23, 0, 0));
    const limiter = new RateLimiter({ clock, defaults: { rpm: 1, rpd: 1 } });
    await limiter.admit(ALICE, MODEL);
    const r = refusal(await limiter.admit(ALICE, MODEL));
    assert.deepEqual(r.violations.map((v) => v.quotaId), [GEMINI_QUOTAS.rpm.quotaId, GEMINI_QUOTAS.rpd.quotaId]);
    assert.equal(r.retryAfterMs, 3600_000);
  });

  it('TPM: real usage from UsageRecords; refused once the last minute reached the limit, until it leaves', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, models: { [MODEL]: { tpm: 100 } } });
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    limiter.usageSink(usage({ totalTokens: 60 }));
    limiter.usageSink(usage({ method: 'countTokens', totalTokens: 500 })); // not metered
    limiter.usageSink(usage({ callerId: BOB.id, totalTokens: 500 })); // someone else's
    clock.advance(10_000);
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true, '60 of 100 used');
    limiter.usageSink(usage({ method: 'streamGenerateContent', totalTokens: 45 }));
    clock.advance(1_000);
    const r = refusal(await limiter.admit(ALICE, MODEL));
    assert.deepEqual(r.violations, [{ ...GEMINI_QUOTAS.tpm, model: MODEL, limit: 100 }]);
    assert.match(r.violations[0].quotaId, /PerMinute/);
    // 105 used; the 60 recorded at 0 leave at 1 min, 11 s from now.
    assert.equal(r.retryAfterMs, MINUTE_MS - 11_000);
    clock.advance(r.retryAfterMs);
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
  });

  it('50 racing admissions on rpm 10 admit exactly 10, and all refusals carry the same exact wait', async () => {
    const limiter = new RateLimiter({ clock: new FakeClock(), defaults: { rpm: 10 } });
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.admit(ALICE, MODEL)));
    assert.equal(results.filter((a) => a.admitted).length, 10);
    for (const a of results.filter((x) => !x.admitted)) assert.equal(refusal(a).retryAfterMs, MINUTE_MS);
  });

  it('countTokens has a quota of its own per caller and model: it neither takes from nor is refused by the generate quotas', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, defaults: { rpm: 1, rpd: 1 }, countTokensRpm: 2 });
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    refusal(await limiter.admit(ALICE, MODEL)); // the generate quotas are used up
    assert.equal((await limiter.admitCountTokens(ALICE, MODEL)).admitted, true);
    clock.advance(20_000);
    assert.equal((await limiter.admitCountTokens(ALICE, MODEL)).admitted, true);
    const r = refusal(await limiter.admitCountTokens(ALICE, MODEL));
    assert.deepEqual(r.violations, [{ ...SIDE_QUOTAS.countTokensRpm, model: MODEL, limit: 2 }]);
    assert.match(r.violations[0].quotaId, /PerMinute/);
    assert.equal(r.retryAfterMs, MINUTE_MS - 20_000);
    // Refusals took nothing: once the first count leaves the minute, exactly one more is admitted.
    for (let i = 0; i < 5; i++) refusal(await limiter.admitCountTokens(ALICE, MODEL));
    clock.advance(r.retryAfterMs);
    assert.equal((await limiter.admitCountTokens(ALICE, MODEL)).admitted, true);
    refusal(await limiter.admitCountTokens(ALICE, MODEL));
    // Another caller, or another model, has its own.
    assert.equal((await limiter.admitCountTokens(BOB, MODEL)).admitted, true);
    assert.equal((await limiter.admitCountTokens(ALICE, 'gemini-2.5-flash')).admitted, true);
  });

  it('upload starts count per caller, every model alike, under the Files quota; refusals take nothing', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, defaults: { rpm: 1 }, filesRpm: 2 });
    assert.equal((await limiter.admitFileUpload(ALICE)).admitted, true);
    assert.equal((await limiter.admitFileUpload(ALICE)).admitted, true);
    const r = refusal(await limiter.admitFileUpload(ALICE));
    assert.deepEqual(r.violations, [{ ...SIDE_QUOTAS.filesRpm, limit: 2 }]);
    assert.equal(r.retryAfterMs, MINUTE_MS);
    refusal(await limiter.admitFileUpload(ALICE));
    assert.equal((await limiter.admitFileUpload(BOB)).admitted, true);
    // The generate quota is apart.
    assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
    clock.advance(MINUTE_MS);
    assert.equal((await limiter.admitFileUpload(ALICE)).admitted, true);
  });

  it('without countTokens and Files limits, admits every count and upload', async () => {
    const limiter = new RateLimiter({ clock: new FakeClock(), defaults: { rpm: 1 } });
    for (let i = 0; i < 50; i++) {
      assert.equal((await limiter.admitCountTokens(ALICE, MODEL)).admitted, true);
      assert.equal((await limiter.admitFileUpload(ALICE)).admitted, true);
    }
  });

  it('without limits admits everything', async () => {
    const limiter = new RateLimiter({ clock: new FakeClock() });
    for (let i = 0; i < 100; i++) assert.equal((await limiter.admit(ALICE, MODEL)).admitted, true);
  });
});
