import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';

test('known values convert to their IEEE half bit patterns', () => {
  const cases: [number, number][] = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [0.1, 0x2e66], [1 / 3, 0x3555],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [Infinity, 0x7c00], [-Infinity, 0xfc00],
  ];
  for (const [value, bits] of cases) {
    assert.equal(float32ToFloat16Bits(value), bits, `${value}`);
  }
});

test('rounds to nearest, ties to even, and overflows to infinity', () => {
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00, 'tie rounds down to even');
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02, 'tie rounds up to even');
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20), 0x3c01, 'above the tie rounds up');
  assert.equal(float32ToFloat16Bits(65520), 0x7c00, 'halfway past the max becomes Infinity');
  assert.equal(float32ToFloat16Bits(65519), 0x7bff);
  assert.equal(float32ToFloat16Bits(2 ** -26), 0x0000, 'below half the smallest subnormal flushes to 0');
  assert.equal(float32ToFloat16Bits(3 * 2 ** -26), 0x0001);
  assert.equal(float32ToFloat16Bits(2 ** -14 - 2 ** -25), 0x0400, 'subnormal carry becomes the smallest normal');
  assert.equal(float32ToFloat16Bits(1e10), 0x7c00);
});

test('NaN stays NaN both ways', () => {
  const bits = float32ToFloat16Bits(NaN);
  assert.equal(bits & 0x7c00, 0x7c00);
  assert.notEqual(bits & 0x3ff, 0);
  assert.ok(Number.isNaN(float16BitsToFloat32(bits)));
});

test('every non-NaN half survives half -> float -> half', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const exponent = (bits >>> 10) & 0x1f;
    if (exponent === 0x1f && (bits & 0x3ff) !== 0) continue;
    assert.equal(float32ToFloat16Bits(float16BitsToFloat32(bits)), bits);
  }
});
