import { CAPITALIZED_WORDS, COMMON_WORDS, SINGLE_CHARACTERS, WORD_PARTS } from './english-pieces.js';

/**
 * Token types of `tokenizer.ggml.token_type` (`enum llama_token_type` in llama.cpp's
 * llama-vocab.h, the same numbering as SentencePiece's ModelProto.SentencePiece.Type + 1).
 */
export enum LlamaTokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  /** Never produced from text unless special-token parsing is on; not rendered by default. */
  CONTROL = 3,
  /** Always matched in text, even with special-token parsing off. */
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
}

/** SentencePiece's word-boundary marker: a space is written as this before a word. */
export const SPACE_MARKER = '\u2581';

/** The ChatML control tokens the generated vocabulary carries. */
export const IM_START = '<|im_start|>';
export const IM_END = '<|im_end|>';

/** Options of {@link buildLlamaTokenizerVocab}. */
export interface LlamaTokenizerVocabOptions {
  /**
   * Total number of tokens, specials and byte tokens included. The lowest-scored
   * multi-character pieces are left out to fit. Default: every piece the builder knows
   * (see {@link maxLlamaTokenizerVocabSize}).
   */
  readonly vocabSize?: number;
}

/** A SentencePiece ("llama") vocabulary in the shape of the `tokenizer.ggml.*` metadata. */
export interface LlamaTokenizerVocab {
  readonly tokens: readonly string[];
  /** Higher merges first (SentencePiece log-probability scores, all ≤ 0). */
  readonly scores: Float32Array;
  readonly tokenTypes: Int32Array;
  readonly unkId: number;
  readonly bosId: number;
  /** `</s>`: the end of a plain text document. */
  readonly eosId: number;
  readonly imStartId: number;
  /** `<|im_end|>`: the end of a chat turn. */
  readonly imEndId: number;
}

/** Fixed ids, in the layout of Llama 2's tokenizer: 0-2 specials, 3-258 the bytes. */
const UNK_ID = 0;
const BOS_ID = 1;
const EOS_ID = 2;
const FIRST_BYTE_ID = 3;
const IM_START_ID = FIRST_BYTE_ID + 256;
const IM_END_ID = IM_START_ID + 1;
const FIXED_TOKENS = IM_END_ID + 1;

function capitalize(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}

/**
 * Multi-character pieces in merge order, best first. llama.cpp's SPM tokenizer only merges two
 * adjacent symbols when their concatenation is itself a token, so every piece comes with all
 * its prefixes (placed before it): from a word's first character there is then always a chain
 * of merges up to the whole word, and truncating the list keeps that property.
 */
function mergePieces(): string[] {
  const ordered: string[] = [];
  const seen = new Set<string>();
  const add = (piece: string) => {
    const chars = Array.from(piece);
    for (let n = 2; n <= chars.length; n++) {
      const prefix = chars.slice(0, n).join('');
      if (!seen.has(prefix)) {
        seen.add(prefix);
        ordered.push(prefix);
      }
    }
  };
  const shortParts = WORD_PARTS.filter((p) => p.length === 2);
  const longParts = WORD_PARTS.filter((p) => p.length > 2);
  // Letter pairs first, like the first merges a BPE trainer finds; endings after the
  // commonest words; capitalized forms right after their lower-case word.
  shortParts.forEach(add);
  COMMON_WORDS.forEach((word, i) => {
    add(SPACE_MARKER + word);
    if (CAPITALIZED_WORDS.has(word)) add(SPACE_MARKER + capitalize(word));
    if (i === 100) longParts.forEach(add);
  });
  return ordered;
}

const SINGLE_PIECES = [SPACE_MARKER, ...SINGLE_CHARACTERS];

/** The largest vocabulary {@link buildLlamaTokenizerVocab} can build. */
export function maxLlamaTokenizerVocabSize(): number {
  return FIXED_TOKENS + mergePieces().length + SINGLE_PIECES.length;
}

/**
 * Builds a real SentencePiece-style vocabulary deterministically: `<unk>`, `<s>`, `</s>`, the
 * 256 byte-fallback tokens `<0x00>`..`<0xFF>`, the ChatML tokens `<|im_start|>` and
 * `<|im_end|>` (CONTROL, so they are parsed from text only when special tokens are enabled,
 * like in Qwen and other ChatML models), then normal pieces with the `▁` space marker: common
 * words, their prefixes, word parts, and every printable ASCII character.
 * @throws RangeError when `vocabSize` is below the fixed tokens or above the maximum.
 */
export function buildLlamaTokenizerVocab(options: LlamaTokenizerVocabOptions = {}): LlamaTokenizerVocab {
  const merges = mergePieces();
  const max = FIXED_TOKENS + merges.length + SINGLE_PIECES.length;
  const min = FIXED_TOKENS + SINGLE_PIECES.length;
  const size = options.vocabSize ?? max;
  if (!Number.isInteger(size) || size < min || size > max) {
    throw new RangeError(`vocabSize must be an integer in ${min}..${max}, got ${size}`);
  }
  const normal = [...merges.slice(0, size - min), ...SINGLE_PIECES];

  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [LlamaTokenType.UNKNOWN, LlamaTokenType.CONTROL, LlamaTokenType.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(LlamaTokenType.BYTE);
  }
  tokens.push(IM_START, IM_END);
  types.push(LlamaTokenType.CONTROL, LlamaTokenType.CONTROL);

  const scores = new Float32Array(size);
  normal.forEach((piece, rank) => {
    scores[tokens.length] = -rank; // specials and bytes keep score 0, as in Llama 2's vocab
    tokens.push(piece);
    types.push(LlamaTokenType.NORMAL);
  });

  return {
    tokens,
    scores,
    tokenTypes: Int32Array.from(types),
    unkId: UNK_ID,
    bosId: BOS_ID,
    eosId: EOS_ID,
    imStartId: IM_START_ID,
    imEndId: IM_END_ID,
  };
}
