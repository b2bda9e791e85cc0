import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isGemserveError } from '../../core/errors.js';
import { CircuitBreaker } from './circuit-breaker.js';

function clock() {
  const c = { t: 0, now: () => c.t };
  return c;
}

const fails = (b: CircuitBreaker) => {
  try { b.admit(); return false; } catch (e) {
    assert.ok(isGemserveError(e));
    assert.equal(e.code, 'CIRCUIT_OPEN');
    assert.equal(e.httpStatus, 503);
    assert.equal(e.retryable, true);
    return true;
  }
};

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures; a success resets the count', () => {
    const c = clock();
    const b = new CircuitBreaker({ name: 'up', failureThreshold: 3, coolDownMs: 1_000, now: c.now });
    b.admit().failure();
    b.admit().failure();
    b.admit().success();
    b.admit().failure();
    b.admit().failure();
    assert.equal(b.state, 'closed');
    b.admit().failure();
    assert.equal(b.state, 'open');
    assert.ok(fails(b));
  });

  it('fails fast while open with the remaining cool-down as Retry-After', () => {
    const c = clock();
    const b = new CircuitBreaker({ name: 'up', failureThreshold: 1, coolDownMs: 10_000, now: c.now });
    b.admit().failure();
    c.t = 2_500;
    try { b.admit(); assert.fail('admitted'); } catch (e) {
      assert.ok(isGemserveError(e));
      assert.equal(e.headers['retry-after'], '8');
      assert.match(e.message, /The upstream up is failing/);
    }
  });

  it('half-opens after the cool-down: one probe; success closes, failure reopens', () => {
    const c = clock();
    const b = new CircuitBreaker({ name: 'up', failureThreshold: 1, coolDownMs: 1_000, now: c.now });
    b.admit().failure();
    c.t = 999;
    assert.equal(b.state, 'open');
    c.t = 1_000;
    assert.equal(b.state, 'half-open');
    const probe = b.admit();
    assert.ok(fails(b), 'only one probe at a time');
    probe.failure();
    assert.equal(b.state, 'open');
    c.t = 2_000;
    const probe2 = b.admit();
    probe2.success();
    assert.equal(b.state, 'closed');
    b.admit().success();
  });

  it('a released probe lets the next call probe; outcomes after the first are ignored', () => {
    const c = clock();
    const b = new CircuitBreaker({ name: 'up', failureThreshold: 1, coolDownMs: 0, now: c.now });
    const t = b.admit();
    t.failure();
    t.failure();
    t.success();
    assert.equal(b.state, 'half-open');
    b.admit().release();
    const probe = b.admit();
    probe.success();
    assert.equal(b.state, 'closed');
  });

  it('late outcomes of calls admitted before opening do not close it', () => {
    const c = clock();
    const b = new CircuitBreaker({ name: 'up', failureThreshold: 1, coolDownMs: 1_000, now: c.now });
    const slow = b.admit();
    b.admit().failure();
    slow.success();
    assert.equal(b.state, 'open');
  });
});
