import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentile.js';

test('nearest rank: a value that occurred, never an interpolation', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  assert.equal(percentile(ten, 50), 5);
  assert.equal(percentile(ten, 95), 10);
  assert.equal(percentile(ten, 90), 9);
  assert.equal(percentile(ten, 100), 10);
  assert.equal(percentile(ten, 1), 1);
});

test('small samples: p95 of a few values is the largest', () => {
  assert.equal(percentile([120], 50), 120);
  assert.equal(percentile([100, 300], 50), 100);
  assert.equal(percentile([100, 300], 95), 300);
});

test('no values: undefined; p outside (0, 100]: an error', () => {
  assert.equal(percentile([], 50), undefined);
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
});
