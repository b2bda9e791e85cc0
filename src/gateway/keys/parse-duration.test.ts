import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './parse-duration.js';

test('durations: whole numbers with s, m, h or d', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('15m'), 900_000);
  assert.equal(parseDuration('12h'), 43_200_000);
  assert.equal(parseDuration('30d'), 2_592_000_000);
  assert.equal(parseDuration(' 0s '), 0);
  for (const bad of ['', '30', '1.5h', '-1d', '2w', 'd', '2026-01-01']) assert.equal(parseDuration(bad), undefined, bad);
});
