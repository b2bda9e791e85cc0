import type { FileHandle } from 'node:fs/promises';
import { FileCursor } from './file-cursor.js';
import { GgufFormatError } from './gguf-format-error.js';
import { alignOffset, GGML_MAX_DIMS, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType } from './gguf-format.js';
import { ggmlTypeTraits } from './ggml-type.js';

/** A metadata value as read: 64-bit integers beyond 2^53 stay bigint. */
export type GgufScalar = number | bigint | boolean | string;

/** An array value; `values` is present only when arrays were asked for. */
export interface GgufArrayValue {
  readonly type: 'array';
  readonly itemType: GgufValueType;
  readonly length: number;
  readonly values?: readonly (GgufScalar | GgufArrayValue)[];
}

export type GgufReadValue = GgufScalar | GgufArrayValue;

/** One tensor info from the header. */
export interface GgufTensorInfo {
  readonly name: string;
  /** ne0 first. */
  readonly dims: readonly number[];
  readonly type: number;
  /** Offset within the data section. */
  readonly offset: number;
  readonly byteSize: number;
}

/** A parsed GGUF header. */
export interface GgufHeader {
  readonly version: number;
  readonly metadata: Readonly<Record<string, GgufReadValue>>;
  /**
   * The stored type of each metadata value, which `metadata` does not keep for scalars:
   * llama.cpp reads most keys with a fixed type (`gguf_get_val_u32` asserts it is UINT32).
   */
  readonly metadataTypes: Readonly<Record<string, GgufValueType>>;
  readonly tensors: readonly GgufTensorInfo[];
  readonly alignment: number;
  /** Absolute file offset where tensor data starts. */
  readonly dataOffset: number;
  /** Absolute file offset just past the last tensor's bytes (what the file must reach). */
  readonly dataEnd: number;
}

/** Options of {@link readGgufHeader}. */
export interface ReadGgufHeaderOptions {
  /** Keep array contents (e.g. the vocabulary) instead of only their type and length. Default false. */
  readonly arrayValues?: boolean;
}

const SCALAR_BYTES: Partial<Record<GgufValueType, number>> = {
  [GgufValueType.UINT8]: 1, [GgufValueType.INT8]: 1, [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT16]: 2, [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4, [GgufValueType.INT32]: 4, [GgufValueType.FLOAT32]: 4,
  [GgufValueType.UINT64]: 8, [GgufValueType.INT64]: 8, [GgufValueType.FLOAT64]: 8,
};

/** A uint64 length or count that must fit a JS number and the file. */
function size(c: FileCursor, what: string, limit: number): number {
  const v = c.uint64();
  if (v > BigInt(Math.floor(limit))) {
    throw new GgufFormatError('corrupt', `corrupt: ${what} is ${v}, impossible in a file of ${c.fileSize} bytes`);
  }
  return Number(v);
}

function narrow(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

async function readString(c: FileCursor, what: string): Promise<string> {
  if (!c.has(8)) await c.need(8, `the length of ${what}`);
  const n = size(c, `the length of ${what}`, c.fileSize);
  if (!c.has(n)) await c.need(n, what);
  return c.utf8(n);
}

function readScalar(c: FileCursor, type: GgufValueType): GgufScalar {
  switch (type) {
    case GgufValueType.UINT8: return c.uint8();
    case GgufValueType.INT8: return c.int8();
    case GgufValueType.UINT16: return c.uint16();
    case GgufValueType.INT16: return c.int16();
    case GgufValueType.UINT32: return c.uint32();
    case GgufValueType.INT32: return c.int32();
    case GgufValueType.UINT64: return narrow(c.uint64());
    case GgufValueType.INT64: return narrow(c.int64());
    case GgufValueType.FLOAT32: return c.float32();
    case GgufValueType.FLOAT64: return c.float64();
    case GgufValueType.BOOL: return c.uint8() !== 0;
    default: throw new Error(`not a fixed-size type: ${type}`);
  }
}

async function readValue(c: FileCursor, type: number, key: string, keep: boolean): Promise<GgufReadValue> {
  if (type === GgufValueType.STRING) return readString(c, `the value of ${key}`);
  if (type === GgufValueType.ARRAY) {
    await c.need(12, `the array header of ${key}`);
    const itemType = c.uint32();
    const length = size(c, `the length of array ${key}`, c.fileSize);
    const itemBytes = SCALAR_BYTES[itemType as GgufValueType];
    if (itemBytes !== undefined && !keep) {
      c.skip(length * itemBytes, `the ${length} items of array ${key}`);
      return { type: 'array', itemType, length };
    }
    if (itemBytes === undefined && itemType !== GgufValueType.STRING && itemType !== GgufValueType.ARRAY) {
      throw new GgufFormatError('corrupt', `corrupt: array ${key} has unknown item type ${itemType}`);
    }
    const values: GgufReadValue[] = [];
    for (let i = 0; i < length; i++) {
      const v = await readValue(c, itemType, key, keep);
      if (keep) values.push(v);
    }
    return keep ? { type: 'array', itemType, length, values } : { type: 'array', itemType, length };
  }
  const bytes = SCALAR_BYTES[type as GgufValueType];
  if (bytes === undefined) throw new GgufFormatError('corrupt', `corrupt: metadata ${key} has unknown value type ${type}`);
  if (!c.has(bytes)) await c.need(bytes, `the value of ${key}`);
  return readScalar(c, type);
}

async function readMagicAndVersion(c: FileCursor): Promise<number> {
  if (c.fileSize < 4) throw new GgufFormatError('not-gguf', `not a GGUF file: it is only ${c.fileSize} bytes long`);
  await c.need(4, 'the magic');
  const magic = c.latin1(4);
  if (magic !== GGUF_MAGIC) {
    throw new GgufFormatError('not-gguf', `not a GGUF file: it starts with ${JSON.stringify(magic)} instead of "GGUF"`);
  }
  await c.need(4, 'the version');
  const version = c.uint32();
  if (version === 2 || version === 3) return version;
  // A big-endian file has its version bytes swapped.
  if (version === 0x02000000 || version === 0x03000000) {
    throw new GgufFormatError('unsupported', 'unsupported: a big-endian GGUF file cannot be loaded on this little-endian machine');
  }
  if (version === 1) throw new GgufFormatError('unsupported', 'unsupported: GGUF version 1 is no longer loaded by llama.cpp; re-convert the model');
  throw new GgufFormatError('unsupported', `unsupported: GGUF version ${version} (this reader knows 2 and 3)`);
}

function alignmentOf(metadata: Record<string, GgufReadValue>): number {
  const v = metadata['general.alignment'];
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (typeof v !== 'number' || v <= 0 || (v & (v - 1)) !== 0) {
    throw new GgufFormatError('corrupt', `corrupt: general.alignment ${String(v)} is not a power of two`);
  }
  return v;
}

/**
 * Parses a GGUF (v2 or v3, little-endian) header with the checks llama.cpp's `gguf_init_from_file`
 * makes, so a file passing here will not be rejected by it for its structure: known value and
 * tensor types, no duplicate keys or tensor names, tensors packed in order at aligned offsets.
 * Does not read tensor data; `dataEnd` says how long the file must be.
 * @throws GgufFormatError with a user-facing reason
 */
export async function readGgufHeader(
  file: FileHandle, fileSize: number, options: ReadGgufHeaderOptions = {},
): Promise<GgufHeader> {
  const c = new FileCursor(file, fileSize);
  const version = await readMagicAndVersion(c);
  await c.need(16, 'the tensor and metadata counts');
  // Counts beyond the file size are garbage; smaller ones that overrun a truncated file end
  // in a clear 'truncated' error from the reads themselves.
  const tensorCount = size(c, 'the tensor count', fileSize);
  const kvCount = size(c, 'the metadata count', fileSize);

  const metadata: Record<string, GgufReadValue> = {};
  const metadataTypes: Record<string, GgufValueType> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = await readString(c, `metadata key #${i}`);
    if (Object.hasOwn(metadata, key)) throw new GgufFormatError('corrupt', `corrupt: duplicate metadata key ${key}`);
    await c.need(4, `the type of ${key}`);
    const type = c.uint32();
    metadata[key] = await readValue(c, type, key, options.arrayValues ?? false);
    metadataTypes[key] = type;
  }
  const alignment = alignmentOf(metadata);

  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  let expectedOffset = 0;
  for (let i = 0; i < tensorCount; i++) {
    const name = await readString(c, `the name of tensor #${i}`);
    if (names.has(name)) throw new GgufFormatError('corrupt', `corrupt: duplicate tensor ${name}`);
    names.add(name);
    await c.need(4, `the dimension count of tensor ${name}`);
    const nDims = c.uint32();
    if (nDims < 1 || nDims > GGML_MAX_DIMS) {
      throw new GgufFormatError('corrupt', `corrupt: tensor ${name} has ${nDims} dimensions (ggml allows 1-${GGML_MAX_DIMS})`);
    }
    await c.need(8 * nDims + 12, `the shape, type and offset of tensor ${name}`);
    const dims = Array.from({ length: nDims }, () => size(c, `a dimension of tensor ${name}`, Number.MAX_SAFE_INTEGER));
    const type = c.uint32();
    const offset = size(c, `the offset of tensor ${name}`, fileSize);
    const traits = ggmlTypeTraits(type);
    if (!traits) throw new GgufFormatError('unsupported', `unsupported: tensor ${name} has ggml type ${type}, unknown to this llama.cpp`);
    if (dims[0] % traits.blockSize !== 0) {
      throw new GgufFormatError('corrupt', `corrupt: tensor ${name} has rows of ${dims[0]}, not a multiple of the ${traits.name} block size ${traits.blockSize}`);
    }
    const elements = dims.reduce((a, b) => a * b, 1);
    const byteSize = (elements / traits.blockSize) * traits.blockBytes;
    // ggml requires tensor data packed in header order, each start aligned (gguf.cpp).
    if (offset !== expectedOffset) {
      throw new GgufFormatError('corrupt', `corrupt: tensor ${name} is at data offset ${offset}, expected ${expectedOffset}`);
    }
    expectedOffset = alignOffset(offset + byteSize, alignment);
    tensors.push({ name, dims, type, offset, byteSize });
  }

  const dataOffset = alignOffset(c.position, alignment);
  const last = tensors.at(-1);
  // Without tensors there is no data section to pad to, and llama.cpp does not seek to it.
  const dataEnd = last ? dataOffset + last.offset + last.byteSize : c.position;
  return { version, metadata, metadataTypes, tensors, alignment, dataOffset, dataEnd };
}
