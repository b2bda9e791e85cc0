/**
 * Fixed facts of the GGUF container format (ggml/docs/gguf.md in llama.cpp): the magic, the
 * version we write, the alignment of tensor data and the metadata value type codes.
 */

/** The first four bytes of every GGUF file ("GGUF" read as a little-endian uint32). */
export const GGUF_MAGIC = 'GGUF';

/** Version 3 added big-endian support; for little-endian files it is identical to version 2. */
export const GGUF_VERSION = 3;

/** Tensor data alignment when `general.alignment` is absent (GGUF_DEFAULT_ALIGNMENT in ggml). */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** ggml refuses tensors with more dimensions (GGML_MAX_DIMS). */
export const GGML_MAX_DIMS = 4;

/** Metadata value type codes (`enum gguf_type`). */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** Rounds `offset` up to the next multiple of `alignment`. */
export function alignOffset(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}
