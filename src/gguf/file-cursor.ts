import type { FileHandle } from 'node:fs/promises';
import { GgufFormatError } from './gguf-format-error.js';

/** Bytes read per refill: a GGUF header is usually well under this, big vocabularies a few times it. */
const READ_CHUNK = 1024 * 1024;

/**
 * Sequential little-endian reads over an open file, fetching it a chunk at a time so a
 * header can be parsed without reading the (possibly gigabytes of) tensor data after it.
 * Reading past the end of the file throws a 'truncated' GgufFormatError.
 */
export class FileCursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  /** Absolute offset of the next byte to read. */
  position = 0;

  constructor(private readonly file: FileHandle, readonly fileSize: number) {}

  /** Makes the next `n` bytes readable; `what` names them in the error if the file is too short. */
  async need(n: number, what: string): Promise<void> {
    if (this.position + n <= this.bufferStart + this.buffer.length) return;
    this.checkWithin(n, what);
    const length = Math.min(Math.max(n, READ_CHUNK), this.fileSize - this.position);
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.file.read(buffer, 0, length, this.position);
    if (bytesRead < n) {
      throw new GgufFormatError('truncated', `the file ended while reading ${what} (it changed while being read?)`);
    }
    this.buffer = buffer.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }

  /** True when the next `n` bytes are already buffered (lets hot loops skip an await). */
  has(n: number): boolean {
    return this.position + n <= this.bufferStart + this.buffer.length;
  }

  /** Moves past `n` bytes without reading them. */
  skip(n: number, what: string): void {
    this.checkWithin(n, what);
    this.position += n;
  }

  private checkWithin(n: number, what: string): void {
    if (this.position + n > this.fileSize) {
      throw new GgufFormatError('truncated',
        `truncated: ${what} at byte ${this.position} needs ${n} bytes, but the file ends at byte ${this.fileSize}`);
    }
  }

  private at(n: number): number {
    const offset = this.position - this.bufferStart;
    this.position += n;
    return offset;
  }

  // These read from the buffer: call need() (or check has()) first.
  uint8(): number { return this.buffer.readUInt8(this.at(1)); }
  int8(): number { return this.buffer.readInt8(this.at(1)); }
  uint16(): number { return this.buffer.readUInt16LE(this.at(2)); }
  int16(): number { return this.buffer.readInt16LE(this.at(2)); }
  uint32(): number { return this.buffer.readUInt32LE(this.at(4)); }
  int32(): number { return this.buffer.readInt32LE(this.at(4)); }
  uint64(): bigint { return this.buffer.readBigUInt64LE(this.at(8)); }
  int64(): bigint { return this.buffer.readBigInt64LE(this.at(8)); }
  float32(): number { return this.buffer.readFloatLE(this.at(4)); }
  float64(): number { return this.buffer.readDoubleLE(this.at(8)); }
  utf8(n: number): string {
    const offset = this.at(n);
    return this.buffer.toString('utf8', offset, offset + n);
  }
  latin1(n: number): string {
    const offset = this.at(n);
    return this.buffer.toString('latin1', offset, offset + n);
  }
}
