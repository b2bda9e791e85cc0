import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from './seeded-random.js';

const take = (r: SeededRandom, n: number) => Array.from({ length: n }, () => r.nextUint32());

test('the same seed gives the same sequence; another seed another one', () => {
  assert.deepEqual(take(new SeededRandom(42), 8), take(new SeededRandom(42), 8));
  assert.notDeepEqual(take(new SeededRandom(42), 8), take(new SeededRandom(43), 8));
});

test('the sequence is pinned, so generated files stay byte-identical across versions', () => {
  // If this changes, every generated model changes: bump LLAMA_GENERATOR_VERSION.
  assert.deepEqual(take(new SeededRandom(1), 3), [2442144158, 3238099751, 3819917871]);
});

test('named streams are independent of each other and of the seed', () => {
  const a = take(SeededRandom.forStream(1, 'blk.0.attn_q.weight'), 4);
  assert.deepEqual(a, take(SeededRandom.forStream(1, 'blk.0.attn_q.weight'), 4));
  assert.notDeepEqual(a, take(SeededRandom.forStream(1, 'blk.0.attn_k.weight'), 4));
  assert.notDeepEqual(a, take(SeededRandom.forStream(2, 'blk.0.attn_q.weight'), 4));
});

test('nextNormalish has mean ~0, variance ~1 and bounded tails; fillNormalish scales it', () => {
  const r = new SeededRandom(7);
  const n = 200_000;
  let sum = 0;
  let sumSq = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = r.nextNormalish();
    sum += x;
    sumSq += x * x;
    max = Math.max(max, Math.abs(x));
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sumSq / n - mean * mean - 1) < 0.02, `variance ${sumSq / n}`);
  assert.ok(max <= 2 * Math.sqrt(3));

  const filled = new SeededRandom(7).fillNormalish(new Float32Array(4), 0.02);
  const one = new SeededRandom(7);
  filled.forEach((v) => assert.ok(Math.abs(v - Math.fround(one.nextNormalish() * 0.02)) < 1e-9));
});

test('nextFloat is in [0, 1)', () => {
  const r = new SeededRandom(3);
  for (let i = 0; i < 10_000; i++) {
    const x = r.nextFloat();
    assert.ok(x >= 0 && x < 1);
  }
});
