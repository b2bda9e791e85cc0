import { endianness } from 'node:os';
import { float32ToFloat16Bits } from './float16.js';
import { GgmlType } from './ggml-type.js';

/** The tensor types this project can encode from float values. */
export type EncodableGgmlType = GgmlType.F32 | GgmlType.F16 | GgmlType.Q8_0;

/** Elements per Q8_0 block (QK8_0 in ggml-common.h). */
export const Q8_0_BLOCK_SIZE = 32;
/** Bytes per Q8_0 block: an fp16 scale then 32 int8 quants (`block_q8_0`). */
export const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK_SIZE;

const littleEndianHost = endianness() === 'LE';

/** Bytes that `count` values take once encoded as `type`. */
export function encodedByteLength(type: EncodableGgmlType, count: number): number {
  switch (type) {
    case GgmlType.F32: return count * 4;
    case GgmlType.F16: return count * 2;
    case GgmlType.Q8_0: return (count / Q8_0_BLOCK_SIZE) * Q8_0_BLOCK_BYTES;
  }
}

/**
 * Encodes `values` as `type` into `out` at `offset` and returns the number of bytes written.
 * For Q8_0, `values.length` must be a multiple of 32 (blocks never straddle two calls).
 */
export function encodeTensorData(
  type: EncodableGgmlType, values: Float32Array, out: Buffer, offset: number,
): number {
  switch (type) {
    case GgmlType.F32: return encodeF32(values, out, offset);
    case GgmlType.F16: return encodeF16(values, out, offset);
    case GgmlType.Q8_0: return encodeQ8_0(values, out, offset);
  }
}

function encodeF32(values: Float32Array, out: Buffer, offset: number): number {
  if (littleEndianHost) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
  } else {
    for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], offset + i * 4);
  }
  return values.length * 4;
}

function encodeF16(values: Float32Array, out: Buffer, offset: number): number {
  for (let i = 0; i < values.length; i++) {
    const bits = float32ToFloat16Bits(values[i]);
    out[offset + 2 * i] = bits & 0xff;
    out[offset + 2 * i + 1] = bits >>> 8;
  }
  return values.length * 2;
}

/**
 * Q8_0 exactly as ggml's reference `quantize_row_q8_0_ref`: d = max|x| / 127 in float32,
 * q = roundf(x * (1/d)) (ties away from zero), d stored as fp16. Math.fround keeps the
 * arithmetic in float32 so our bytes match what llama-quantize would write.
 */
function encodeQ8_0(values: Float32Array, out: Buffer, offset: number): number {
  const n = values.length;
  if (n % Q8_0_BLOCK_SIZE !== 0) {
    throw new RangeError(`Q8_0 encodes whole blocks of ${Q8_0_BLOCK_SIZE} values, got ${n}`);
  }
  const quants = new Int8Array(out.buffer, out.byteOffset, out.length);
  let o = offset;
  for (let start = 0; start < n; start += Q8_0_BLOCK_SIZE) {
    const end = start + Q8_0_BLOCK_SIZE;
    let amax = 0;
    for (let i = start; i < end; i++) {
      const v = values[i];
      const a = v < 0 ? -v : v;
      if (a > amax) amax = a;
    }
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const dBits = float32ToFloat16Bits(d);
    quants[o] = dBits; // Int8Array stores the low byte, wrapping like a C cast
    quants[o + 1] = dBits >>> 8;
    o += 2;
    for (let i = start; i < end; i++) {
      // |x| <= 127 here, so x ± 0.5 is exact in double and truncating it is C's roundf.
      const x = Math.fround(values[i] * id);
      quants[o++] = x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5);
    }
  }
  return o - offset;
}
