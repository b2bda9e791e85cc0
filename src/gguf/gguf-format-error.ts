/** Why a file is not a usable GGUF file, as a stable code a caller can map to an error. */
export type GgufProblem =
  /** Wrong magic bytes: some other kind of file. */
  | 'not-gguf'
  /** A GGUF version, byte order or tensor type llama.cpp cannot load. */
  | 'unsupported'
  /** The file ends before its header or tensor data does (an interrupted download or copy). */
  | 'truncated'
  /** Impossible values: bad type codes, misaligned or overlapping tensors, duplicate keys. */
  | 'corrupt';

/** Thrown by the GGUF reader; `message` is a sentence fit to show a user. */
export class GgufFormatError extends Error {
  override readonly name = 'GgufFormatError';
  constructor(readonly problem: GgufProblem, message: string) {
    super(message);
  }
}
