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

/** A special token of a vocabulary layout: its text and its `tokenizer.ggml.token_type`. */
export interface SpecialTokenSpec {
  readonly text: string;
  readonly type: LlamaTokenType;
}

/**
 * Where a vocabulary's special tokens go: `beforeBytes` from id 0, then the 256 byte tokens,
 * then `afterBytes`, then the normal pieces.
 */
export interface SentencePieceVocabLayout {
  readonly beforeBytes: readonly SpecialTokenSpec[];
  readonly afterBytes: readonly SpecialTokenSpec[];
}

/** A vocabulary of any layout, with the id of each special token by its text. */
export interface SentencePieceVocab {
  readonly tokens: readonly string[];
  readonly scores: Float32Array;
  readonly tokenTypes: Int32Array;
  readonly specialIds: ReadonlyMap<string, number>;
}

/** Llama 2's layout: `<unk>` `<s>` `</s>` at 0-2, the bytes at 3-258, then the ChatML tokens. */
const LLAMA_LAYOUT: SentencePieceVocabLayout = {
  beforeBytes: [
    { text: '<unk>', type: LlamaTokenType.UNKNOWN },
    { text: '<s>', type: LlamaTokenType.CONTROL },
    { text: '</s>', type: LlamaTokenType.CONTROL },
  ],
  afterBytes: [
    { text: IM_START, type: LlamaTokenType.CONTROL },
    { text: IM_END, type: LlamaTokenType.CONTROL },
  ],
};

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
  return maxSentencePieceVocabSize(LLAMA_LAYOUT);
}

/** The largest vocabulary {@link buildSentencePieceVocab} can build with `layout`. */
export function maxSentencePieceVocabSize(layout: SentencePieceVocabLayout): number {
  return fixedTokenCount(layout) + mergePieces().length + SINGLE_PIECES.length;
}

function fixedTokenCount(layout: SentencePieceVocabLayout): number {
  return layout.beforeBytes.length + 256 + layout.afterBytes.length;
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
  const { tokens, scores, tokenTypes, specialIds } = buildSentencePieceVocab(LLAMA_LAYOUT, options);
  const id = (text: string) => specialIds.get(text)!;
  return {
    tokens, scores, tokenTypes,
    unkId: id('<unk>'), bosId: id('<s>'), eosId: id('</s>'), imStartId: id(IM_START), imEndId: id(IM_END),
  };
}

/**
 * Builds a SentencePiece-style vocabulary with the special tokens of `layout` (see
 * {@link SentencePieceVocabLayout}) and the same byte tokens and normal pieces as
 * {@link buildLlamaTokenizerVocab}, which is this function with Llama 2's layout.
 * @throws RangeError when `vocabSize` is below the fixed tokens or above the maximum.
 */
export function buildSentencePieceVocab(
  layout: SentencePieceVocabLayout, options: LlamaTokenizerVocabOptions = {},
): SentencePieceVocab {
  const merges = mergePieces();
  const fixed = fixedTokenCount(layout);
  const max = fixed + merges.length + SINGLE_PIECES.length;
  const min = fixed + SINGLE_PIECES.length;
  const size = options.vocabSize ?? max;
  if (!Number.isInteger(size) || size < min || size > max) {
    throw new RangeError(`vocabSize must be an integer in ${min}..${max}, got ${size}`);
  }
  const normal = [...merges.slice(0, size - min), ...SINGLE_PIECES];

  const tokens: string[] = [];
  const types: number[] = [];
  const specialIds = new Map<string, number>();
  const addSpecial = ({ text, type }: SpecialTokenSpec) => {
    if (specialIds.has(text)) throw new Error(`duplicate special token ${text}`);
    specialIds.set(text, tokens.length);
    tokens.push(text);
    types.push(type);
  };
  layout.beforeBytes.forEach(addSpecial);
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(LlamaTokenType.BYTE);
  }
  layout.afterBytes.forEach(addSpecial);

  const scores = new Float32Array(size);
  normal.forEach((piece, rank) => {
    scores[tokens.length] = -rank; // specials and bytes keep score 0, as in Llama 2's vocab
    tokens.push(piece);
    types.push(LlamaTokenType.NORMAL);
  });
  return { tokens, scores, tokenTypes: Int32Array.from(types), specialIds };
}
