import { open, rm } from 'node:fs/promises';
import { ByteSink } from './byte-sink.js';
import {
  alignOffset, GGML_MAX_DIMS, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, GgufValueType,
} from './gguf-format.js';
import { GGUF_VALUE_TYPE_BY_NAME, GgufValue, type GgufMetadataValue } from './gguf-metadata-value.js';
import { encodedByteLength, encodeTensorData, type EncodableGgmlType } from './encode-tensor-data.js';
import { ggmlTensorByteSize } from './ggml-type.js';

/** One tensor to write; its values are produced lazily so they never all sit in memory. */
export interface GgufTensorSource {
  /** e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  /** Shape with ne0 first: ne0 is the fastest-varying (row) dimension, as ggml stores it. */
  readonly dims: readonly number[];
  readonly type: EncodableGgmlType;
  /**
   * Yields every value in storage order (ne0 fastest), in chunks. Chunk lengths must be
   * multiples of the type's block size (32 for Q8_0); yielding one row at a time always works.
   * The writer encodes each chunk before asking for the next, so a generator may reuse one array.
   */
  readonly values: () => Iterable<Float32Array> | AsyncIterable<Float32Array>;
}

/** What goes into a GGUF file. */
export interface GgufFileContents {
  /** Key/value metadata, written in insertion order. `general.alignment` is added if absent. */
  readonly metadata: Readonly<Record<string, GgufMetadataValue>>;
  readonly tensors: readonly GgufTensorSource[];
}

/** Where things landed in a written file. */
export interface GgufWriteResult {
  /** Total file size. */
  readonly bytes: number;
  /** Absolute file offset of the tensor data section. */
  readonly dataOffset: number;
}

/** Size of the staging buffer between encoding and `write()`: big enough for few syscalls. */
const FLUSH_BYTES = 4 * 1024 * 1024;

const NUMERIC_RANGES: Partial<Record<GgufValueType, readonly [number, number]>> = {
  [GgufValueType.UINT8]: [0, 0xff],
  [GgufValueType.INT8]: [-0x80, 0x7f],
  [GgufValueType.UINT16]: [0, 0xffff],
  [GgufValueType.INT16]: [-0x8000, 0x7fff],
  [GgufValueType.UINT32]: [0, 0xffffffff],
  [GgufValueType.INT32]: [-0x80000000, 0x7fffffff],
  [GgufValueType.UINT64]: [0, Number.MAX_SAFE_INTEGER],
  [GgufValueType.INT64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function checkValue(key: string, type: GgufValueType, v: unknown): void {
  const range = NUMERIC_RANGES[type];
  if (!range || typeof v === 'bigint') return; // floats, or a bigint Buffer will range-check
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
    throw new RangeError(`metadata ${key}: ${String(v)} is not a valid ${GgufValueType[type]}`);
  }
}

function writeMetadataValue(sink: ByteSink, key: string, value: GgufMetadataValue): void {
  if (typeof value === 'string') {
    sink.uint32(GgufValueType.STRING);
    sink.string(value);
  } else if (typeof value === 'boolean') {
    sink.uint32(GgufValueType.BOOL);
    sink.bool(value);
  } else if (value.type === 'array') {
    const itemType = GGUF_VALUE_TYPE_BY_NAME[value.itemType];
    sink.uint32(GgufValueType.ARRAY);
    sink.uint32(itemType);
    sink.uint64(value.values.length);
    for (let i = 0; i < value.values.length; i++) {
      const item = value.values[i];
      checkValue(key, itemType, item);
      sink.scalar(itemType, item);
    }
  } else {
    const type = GGUF_VALUE_TYPE_BY_NAME[value.type];
    checkValue(key, type, value.value);
    sink.uint32(type);
    sink.scalar(type, value.value);
  }
}

function alignmentOf(metadata: GgufFileContents['metadata']): number {
  const v = metadata['general.alignment'];
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (typeof v !== 'object' || v.type !== 'uint32') {
    throw new TypeError('general.alignment must be a uint32');
  }
  const n = Number(v.value);
  if (n <= 0 || n % 8 !== 0) throw new RangeError(`general.alignment must be a positive multiple of 8, got ${n}`);
  return n;
}

/**
 * Serializes the header (magic, counts, metadata, tensor infos) and returns it with each
 * tensor's offset inside the data section and the data section's total size.
 */
function buildHeader(contents: GgufFileContents, alignment: number) {
  const metadata: Record<string, GgufMetadataValue> = { ...contents.metadata };
  // Written explicitly so readers that ignore the default still find it.
  metadata['general.alignment'] ??= GgufValue.uint32(alignment);

  const sink = new ByteSink();
  sink.uint32(Buffer.from(GGUF_MAGIC, 'latin1').readUInt32LE(0));
  sink.uint32(GGUF_VERSION);
  sink.uint64(contents.tensors.length);
  const keys = Object.keys(metadata);
  sink.uint64(keys.length);
  for (const key of keys) {
    sink.string(key);
    writeMetadataValue(sink, key, metadata[key]);
  }

  const names = new Set<string>();
  const layout: { offset: number; bytes: number }[] = [];
  let dataBytes = 0;
  for (const t of contents.tensors) {
    if (names.has(t.name)) throw new Error(`duplicate tensor name ${t.name}`);
    names.add(t.name);
    if (t.dims.length < 1 || t.dims.length > GGML_MAX_DIMS || t.dims.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`tensor ${t.name}: invalid dims [${t.dims.join(', ')}]`);
    }
    const bytes = ggmlTensorByteSize(t.type, t.dims);
    const offset = alignOffset(dataBytes, alignment);
    layout.push({ offset, bytes });
    dataBytes = offset + bytes;
    sink.string(t.name);
    sink.uint32(t.dims.length);
    for (const d of t.dims) sink.uint64(d);
    sink.uint32(t.type);
    sink.uint64(offset);
  }
  sink.padTo(alignment);
  return { header: sink.bytes(), layout, dataBytes: alignOffset(dataBytes, alignment) };
}

/**
 * Writes a GGUF v3 file, streaming the tensor data: only the header and a few megabytes of
 * encoded data are in memory at any time, so 100M+ parameter files are cheap to produce.
 * On failure the partial file is removed. The output is a pure function of `contents`.
 */
export async function writeGgufFile(path: string, contents: GgufFileContents): Promise<GgufWriteResult> {
  const alignment = alignmentOf(contents.metadata);
  const { header, layout, dataBytes } = buildHeader(contents, alignment);
  const file = await open(path, 'w');
  try {
    await file.write(header);
    const staging = Buffer.alloc(FLUSH_BYTES);
    let used = 0;
    let position = header.length; // absolute offset of staging[0]
    const flush = async () => {
      if (used > 0) await file.write(staging, 0, used, position);
      position += used;
      used = 0;
    };

    for (const [i, tensor] of contents.tensors.entries()) {
      const { offset, bytes } = layout[i];
      const padding = header.length + offset - (position + used);
      staging.fill(0, used, used + padding); // padding < alignment, always fits after a flush
      used += padding;
      let written = 0;
      for await (const chunk of tensor.values()) {
        const size = encodedByteLength(tensor.type, chunk.length);
        if (written + size > bytes) throw new RangeError(`tensor ${tensor.name}: more values than its dims hold`);
        if (used + size > staging.length) await flush();
        if (size > staging.length) {
          // A chunk larger than the staging buffer gets its own buffer.
          const own = Buffer.alloc(size);
          encodeTensorData(tensor.type, chunk, own, 0);
          await file.write(own, 0, size, position);
          position += size;
        } else {
          used += encodeTensorData(tensor.type, chunk, staging, used);
        }
        written += size;
      }
      if (written !== bytes) {
        throw new RangeError(`tensor ${tensor.name}: got ${written} encoded bytes, its dims need ${bytes}`);
      }
      if (used > staging.length - alignment) await flush();
    }
    const end = header.length + dataBytes;
    staging.fill(0, used, used + (end - position - used));
    used = end - position;
    await flush();
    await file.close();
    return { bytes: end, dataOffset: header.length };
  } catch (error) {
    await file.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}
