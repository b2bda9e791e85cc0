import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Errors } from '../../core/errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  callWithRetries, parseRetryAfter, retryDelayFromDetails, RetryPolicy, streamWithRetries, UpstreamFailure,
} from './retry-policy.js';

const status = (httpStatus: number, retryAfterMs?: number) =>
  new UpstreamFailure({ kind: 'status', httpStatus, retryAfterMs, error: Errors.upstreamUnavailable('up', `HTTP ${httpStatus}`) });
const kind = (k: 'timeout' | 'connection' | 'malformed') => new UpstreamFailure({ kind: k, error: Errors.upstreamUnavailable('up', k) });

function policy(random = 0.5, delays: number[] = []) {
  return new RetryPolicy({ maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 }, {
    random: () => random,
    sleep: async (ms) => { delays.push(ms); },
  });
}

describe('RetryPolicy', () => {
  it('retries 408, 429, 5xx, timeouts and resets; never 400/401/403/404 or malformed answers', () => {
    const p = policy();
    for (const s of [408, 429, 500, 502, 503, 504]) assert.ok(p.canRetry(status(s), 1), `${s}`);
    for (const s of [400, 401, 403, 404, 409, 422, 501]) assert.ok(!p.canRetry(status(s), 1), `${s}`);
    assert.ok(p.canRetry(kind('timeout'), 1));
    assert.ok(p.canRetry(kind('connection'), 1));
    assert.ok(!p.canRetry(kind('malformed'), 1));
  });

  it('stops at maxAttempts and at hints longer than maxDelayMs', () => {
    const p = policy();
    assert.ok(p.canRetry(status(503), 3));
    assert.ok(!p.canRetry(status(503), 4));
    assert.ok(p.canRetry(status(429, 1_000), 1));
    assert.ok(!p.canRetry(status(429, 1_001), 1));
  });

  it('full jitter: random × min(cap, base · 2^(attempt-1)); a hint wins', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => policy(0.5).delayMs(a)), [50, 100, 200, 400, 500]);
    assert.deepEqual([1, 2, 3].map((a) => policy(0).delayMs(a)), [0, 0, 0]);
    assert.equal(policy(0.999).delayMs(10), 999);
    assert.equal(policy(0.5).delayMs(1, 750), 750);
  });

  it('parses Retry-After (seconds and HTTP dates) and RetryInfo durations', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(retryDelayFromDetails([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '47s' }]), 47_000);
    assert.equal(retryDelayFromDetails([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }]), 1500);
    assert.equal(retryDelayFromDetails([{ '@type': 'type.googleapis.com/google.rpc.Help' }]), undefined);
  });
});

describe('streamWithRetries', () => {
  const signal = new AbortController().signal;

  it('reopens after failures before the first item, with the policy delays', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const out: number[] = [];
    for await (const x of streamWithRetries(async function* () {
      attempts++;
      if (attempts < 3) throw status(503);
      yield 1; yield 2;
    }, { policy: policy(0.5, delays), signal })) out.push(x);
    assert.deepEqual(out, [1, 2]);
    assert.equal(attempts, 3);
    assert.deepEqual(delays, [50, 100]);
  });

  it('never retries after an item went out: the failure ends the stream with its error', async () => {
    let attempts = 0;
    const out: number[] = [];
    await assert.rejects(async () => {
      for await (const x of streamWithRetries(async function* () {
        attempts++;
        yield 1;
        throw status(503);
      }, { policy: policy(), signal })) out.push(x);
    }, (e: unknown) => (e as { code?: string }).code === 'UPSTREAM_UNAVAILABLE');
    assert.equal(attempts, 1);
    assert.deepEqual(out, [1]);
  });

  it('rethrows a non-upstream error and the caller abort as they are', async () => {
    await assert.rejects(callWithRetries(async () => { throw new TypeError('bug'); }, { policy: policy(), signal }), TypeError);
    const ac = new AbortController();
    let attempts = 0;
    await assert.rejects(callWithRetries(async () => { attempts++; ac.abort(new Error('gone')); throw status(503); }, { policy: policy(), signal: ac.signal }), /gone/);
    assert.equal(attempts, 1);
  });

  it('reports outcomes to the breaker: upstream faults count, 4xx do not, an early return releases the probe', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ name: 'up', failureThreshold: 2, coolDownMs: 100, now: () => now });
    const opts = { policy: new RetryPolicy({ maxAttempts: 1 }), breaker, signal };
    await assert.rejects(callWithRetries(async () => { throw status(400); }, opts));
    await assert.rejects(callWithRetries(async () => { throw status(500); }, opts));
    assert.equal(breaker.state, 'closed');
    await assert.rejects(callWithRetries(async () => { throw kind('timeout'); }, opts));
    assert.equal(breaker.state, 'open');
    await assert.rejects(callWithRetries(async () => 1, opts), (e: unknown) => (e as { code?: string }).code === 'CIRCUIT_OPEN');
    now = 100;
    // The probe's consumer stops early: neither success nor failure; the next call may probe.
    for await (const _ of streamWithRetries(async function* () { yield 1; yield 2; }, opts)) break;
    assert.equal(breaker.state, 'half-open');
    assert.equal(await callWithRetries(async () => 7, opts), 7);
    assert.equal(breaker.state, 'closed');
  });
});
