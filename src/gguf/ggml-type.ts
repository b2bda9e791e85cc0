/**
 * ggml tensor types as stored in a GGUF tensor info, with the block geometry needed to know how
 * many bytes a tensor occupies. Numbers and sizes follow ggml's `enum ggml_type` and gguf-py's
 * `GGML_QUANT_SIZES` (llama.cpp, gguf-py/gguf/constants.py); node-llama-cpp 3.22.1 exports the
 * same enum as `GgmlType`.
 */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
  NVFP4 = 40,
}

/** How a type packs elements: `blockSize` elements take `blockBytes` bytes. */
export interface GgmlTypeTraits {
  readonly name: string;
  readonly blockSize: number;
  readonly blockBytes: number;
}

const QK_K = 256;

// Types 4, 5 (Q4_2, Q4_3), 31-33 and 36-38 (repacked variants) were removed from ggml and
// cannot be loaded any more, so they are deliberately absent: a file using them is unusable.
const TRAITS: ReadonlyMap<number, GgmlTypeTraits> = new Map<number, GgmlTypeTraits>([
  [GgmlType.F32, { name: 'F32', blockSize: 1, blockBytes: 4 }],
  [GgmlType.F16, { name: 'F16', blockSize: 1, blockBytes: 2 }],
  [GgmlType.Q4_0, { name: 'Q4_0', blockSize: 32, blockBytes: 2 + 16 }],
  [GgmlType.Q4_1, { name: 'Q4_1', blockSize: 32, blockBytes: 2 + 2 + 16 }],
  [GgmlType.Q5_0, { name: 'Q5_0', blockSize: 32, blockBytes: 2 + 4 + 16 }],
  [GgmlType.Q5_1, { name: 'Q5_1', blockSize: 32, blockBytes: 2 + 2 + 4 + 16 }],
  [GgmlType.Q8_0, { name: 'Q8_0', blockSize: 32, blockBytes: 2 + 32 }],
  [GgmlType.Q8_1, { name: 'Q8_1', blockSize: 32, blockBytes: 4 + 32 }],
  [GgmlType.Q2_K, { name: 'Q2_K', blockSize: QK_K, blockBytes: 2 * 2 + QK_K / 16 + QK_K / 4 }],
  [GgmlType.Q3_K, { name: 'Q3_K', blockSize: QK_K, blockBytes: 2 + QK_K / 4 + QK_K / 8 + 12 }],
  [GgmlType.Q4_K, { name: 'Q4_K', blockSize: QK_K, blockBytes: 2 * 2 + QK_K / 2 + 12 }],
  [GgmlType.Q5_K, { name: 'Q5_K', blockSize: QK_K, blockBytes: 2 * 2 + QK_K / 2 + QK_K / 8 + 12 }],
  [GgmlType.Q6_K, { name: 'Q6_K', blockSize: QK_K, blockBytes: 2 + QK_K / 16 + 3 * QK_K / 4 }],
  [GgmlType.Q8_K, { name: 'Q8_K', blockSize: QK_K, blockBytes: 4 + QK_K + QK_K / 8 }],
  [GgmlType.IQ2_XXS, { name: 'IQ2_XXS', blockSize: QK_K, blockBytes: 2 + QK_K / 4 }],
  [GgmlType.IQ2_XS, { name: 'IQ2_XS', blockSize: QK_K, blockBytes: 2 + QK_K / 4 + QK_K / 32 }],
  [GgmlType.IQ3_XXS, { name: 'IQ3_XXS', blockSize: QK_K, blockBytes: 2 + QK_K / 4 + QK_K / 8 }],
  [GgmlType.IQ1_S, { name: 'IQ1_S', blockSize: QK_K, blockBytes: 2 + QK_K / 8 + QK_K / 16 }],
  [GgmlType.IQ4_NL, { name: 'IQ4_NL', blockSize: 32, blockBytes: 2 + 16 }],
  [GgmlType.IQ3_S, { name: 'IQ3_S', blockSize: QK_K, blockBytes: 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4 }],
  [GgmlType.IQ2_S, { name: 'IQ2_S', blockSize: QK_K, blockBytes: 2 + QK_K / 4 + QK_K / 16 }],
  [GgmlType.IQ4_XS, { name: 'IQ4_XS', blockSize: QK_K, blockBytes: 2 + 2 + QK_K / 2 + QK_K / 64 }],
  [GgmlType.I8, { name: 'I8', blockSize: 1, blockBytes: 1 }],
  [GgmlType.I16, { name: 'I16', blockSize: 1, blockBytes: 2 }],
  [GgmlType.I32, { name: 'I32', blockSize: 1, blockBytes: 4 }],
  [GgmlType.I64, { name: 'I64', blockSize: 1, blockBytes: 8 }],
  [GgmlType.F64, { name: 'F64', blockSize: 1, blockBytes: 8 }],
  [GgmlType.IQ1_M, { name: 'IQ1_M', blockSize: QK_K, blockBytes: QK_K / 8 + QK_K / 16 + QK_K / 32 }],
  [GgmlType.BF16, { name: 'BF16', blockSize: 1, blockBytes: 2 }],
  [GgmlType.TQ1_0, { name: 'TQ1_0', blockSize: QK_K, blockBytes: 2 + 4 * 13 }],
  [GgmlType.TQ2_0, { name: 'TQ2_0', blockSize: QK_K, blockBytes: 2 + 64 }],
  [GgmlType.MXFP4, { name: 'MXFP4', blockSize: 32, blockBytes: 1 + 16 }],
  [GgmlType.NVFP4, { name: 'NVFP4', blockSize: 64, blockBytes: 4 + 32 }],
]);

/** The block geometry of a tensor type, or undefined for a number ggml does not (or no longer) know. */
export function ggmlTypeTraits(type: number): GgmlTypeTraits | undefined {
  return TRAITS.get(type);
}

/**
 * Bytes taken by a tensor of `type` with shape `dims` (ne0 first). ggml lays a tensor out as
 * rows of ne0 elements, each row a whole number of blocks, so ne0 must divide into blocks.
 * @throws RangeError for an unknown type or an ne0 that is not a multiple of the block size.
 */
export function ggmlTensorByteSize(type: number, dims: readonly number[]): number {
  const traits = ggmlTypeTraits(type);
  if (!traits) throw new RangeError(`unknown ggml tensor type ${type}`);
  const rowLength = dims[0] ?? 1;
  if (rowLength % traits.blockSize !== 0) {
    throw new RangeError(
      `${traits.name} needs rows (ne0) in multiples of ${traits.blockSize} elements, got ${rowLength}`);
  }
  const elements = dims.reduce((n, d) => n * d, 1);
  return (elements / traits.blockSize) * traits.blockBytes;
}
