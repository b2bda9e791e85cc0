import { GgufValueType } from './gguf-format.js';

/**
 * A growable little-endian byte buffer for the GGUF header (metadata and tensor infos), which
 * is small next to the tensor data and must be complete before the data offsets are known.
 */
export class ByteSink {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /** The written bytes (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, at + n));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    this.length += n;
    return at;
  }

  uint8(v: number): void { this.buffer.writeUInt8(v, this.reserve(1)); }
  int8(v: number): void { this.buffer.writeInt8(v, this.reserve(1)); }
  uint16(v: number): void { this.buffer.writeUInt16LE(v, this.reserve(2)); }
  int16(v: number): void { this.buffer.writeInt16LE(v, this.reserve(2)); }
  uint32(v: number): void { this.buffer.writeUInt32LE(v, this.reserve(4)); }
  int32(v: number): void { this.buffer.writeInt32LE(v, this.reserve(4)); }
  uint64(v: number | bigint): void { this.buffer.writeBigUInt64LE(BigInt(v), this.reserve(8)); }
  int64(v: number | bigint): void { this.buffer.writeBigInt64LE(BigInt(v), this.reserve(8)); }
  float32(v: number): void { this.buffer.writeFloatLE(v, this.reserve(4)); }
  float64(v: number): void { this.buffer.writeDoubleLE(v, this.reserve(8)); }
  bool(v: boolean): void { this.uint8(v ? 1 : 0); }

  /** A GGUF string: uint64 byte length, then UTF-8 bytes without a terminator. */
  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uint64(n);
    this.buffer.write(s, this.reserve(n), n, 'utf8');
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    const at = this.reserve(pad);
    this.buffer.fill(0, at, at + pad);
  }

  /**
   * One scalar of the given value type. Buffer's writers range-check integers (throwing
   * RangeError), which is what we want for values that would not fit their declared type.
   */
  scalar(type: GgufValueType, v: number | bigint | boolean | string): void {
    switch (type) {
      case GgufValueType.UINT8: return this.uint8(Number(v));
      case GgufValueType.INT8: return this.int8(Number(v));
      case GgufValueType.UINT16: return this.uint16(Number(v));
      case GgufValueType.INT16: return this.int16(Number(v));
      case GgufValueType.UINT32: return this.uint32(Number(v));
      case GgufValueType.INT32: return this.int32(Number(v));
      case GgufValueType.UINT64: return this.uint64(v as number | bigint);
      case GgufValueType.INT64: return this.int64(v as number | bigint);
      case GgufValueType.FLOAT32: return this.float32(Number(v));
      case GgufValueType.FLOAT64: return this.float64(Number(v));
      case GgufValueType.BOOL: return this.bool(Boolean(v));
      case GgufValueType.STRING: return this.string(String(v));
      default: throw new TypeError(`not a scalar GGUF value type: ${type}`);
    }
  }
}
