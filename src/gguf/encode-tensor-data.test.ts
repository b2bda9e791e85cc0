import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float16BitsToFloat32 } from './float16.js';
import { encodedByteLength, encodeTensorData, Q8_0_BLOCK_BYTES } from './encode-tensor-data.js';
import { GgmlType } from './ggml-type.js';

/** Q8_0 decoding as ggml's dequantize_row_q8_0: x = d * q. */
function decodeQ8_0(bytes: Buffer): Float32Array {
  const out = new Float32Array((bytes.length / Q8_0_BLOCK_BYTES) * 32);
  for (let b = 0; b * Q8_0_BLOCK_BYTES < bytes.length; b++) {
    const d = float16BitsToFloat32(bytes.readUInt16LE(b * Q8_0_BLOCK_BYTES));
    for (let j = 0; j < 32; j++) out[b * 32 + j] = d * bytes.readInt8(b * Q8_0_BLOCK_BYTES + 2 + j);
  }
  return out;
}

test('Q8_0 block: fp16 scale max|x|/127, then 32 int8 = round(x/d)', () => {
  const values = new Float32Array(32).map((_, i) => (i - 16) / 16); // -1 .. 0.9375
  const out = Buffer.alloc(34);
  assert.equal(encodeTensorData(GgmlType.Q8_0, values, out, 0), 34);
  const d = float16BitsToFloat32(out.readUInt16LE(0));
  assert.ok(Math.abs(d - 1 / 127) < 1e-5, `d=${d}`);
  assert.equal(out.readInt8(2), -127, 'the largest magnitude maps to ±127');
  assert.equal(out.readInt8(2 + 16), 0);
  assert.equal(out.readInt8(2 + 24), Math.round(0.5 * 127));
  const decoded = decodeQ8_0(out);
  values.forEach((v, i) => assert.ok(Math.abs(decoded[i] - v) <= d / 2 + 1e-4, `value ${i}`));
});

test('Q8_0 of an all-zero block is a zero scale and zero quants', () => {
  const out = Buffer.alloc(34, 0xff);
  encodeTensorData(GgmlType.Q8_0, new Float32Array(32), out, 0);
  assert.deepEqual([...out], new Array(34).fill(0));
});

test('Q8_0 rounds ties away from zero like C roundf', () => {
  // With max 127 the scale is exactly 1, so x/d is x itself.
  const values = new Float32Array(32);
  values[0] = 127;
  values[1] = 2.5;
  values[2] = -2.5;
  values[3] = -0.4;
  const out = Buffer.alloc(34);
  encodeTensorData(GgmlType.Q8_0, values, out, 0);
  assert.deepEqual([out.readInt8(2), out.readInt8(3), out.readInt8(4), out.readInt8(5)], [127, 3, -3, 0]);
});

test('Q8_0 refuses a partial block', () => {
  assert.throws(() => encodeTensorData(GgmlType.Q8_0, new Float32Array(33), Buffer.alloc(100), 0), RangeError);
});

test('F32 is little-endian float32 and F16 little-endian half, written at the offset', () => {
  const values = Float32Array.of(1, -2.5, 0.1);
  const f32 = Buffer.alloc(4 + 12);
  assert.equal(encodeTensorData(GgmlType.F32, values, f32, 4), 12);
  assert.deepEqual([f32.readFloatLE(4), f32.readFloatLE(8), f32.readFloatLE(12)], [...values]);
  const f16 = Buffer.alloc(6);
  assert.equal(encodeTensorData(GgmlType.F16, values, f16, 0), 6);
  assert.deepEqual([f16.readUInt16LE(0), f16.readUInt16LE(2), f16.readUInt16LE(4)], [0x3c00, 0xc100, 0x2e66]);
});

test('encodedByteLength matches the ggml type sizes', () => {
  assert.equal(encodedByteLength(GgmlType.F32, 64), 256);
  assert.equal(encodedByteLength(GgmlType.F16, 64), 128);
  assert.equal(encodedByteLength(GgmlType.Q8_0, 64), 68);
});
