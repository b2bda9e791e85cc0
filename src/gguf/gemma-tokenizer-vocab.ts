import {
  buildSentencePieceVocab, LlamaTokenType, maxSentencePieceVocabSize,
  type LlamaTokenizerVocabOptions, type SentencePieceVocabLayout,
} from './llama-tokenizer-vocab.js';

/** Gemma's chat turn delimiters. */
export const START_OF_TURN = '<start_of_turn>';
export const END_OF_TURN = '<end_of_turn>';

/**
 * What llama.cpp's multimodal library puts around a Gemma 3 image's embeddings
 * (`img_beg` / `img_end` for PROJECTOR_TYPE_GEMMA3 in tools/mtmd/mtmd.cpp). It tokenizes them
 * with special-token parsing on, so they must be single control tokens of the text model.
 */
export const START_OF_IMAGE = '<start_of_image>';
export const END_OF_IMAGE = '<end_of_image>';

/**
 * Gemma's special tokens. The first four keep Gemma's ids (`<pad>` 0, `<eos>` 1, `<bos>` 2,
 * `<unk>` 3, as in every Gemma tokenizer.model and GGUF); the turn and image tokens follow the
 * byte tokens instead of sitting at Gemma's 105/106 and 255999/256000, which only matters to
 * code that hard-codes those ids. Gemma's 99 `<unusedN>` tokens, `<mask>`, `[multimodal]` and
 * `<image_soft_token>` are left out: llama.cpp never looks them up.
 */
const GEMMA_LAYOUT: SentencePieceVocabLayout = {
  beforeBytes: [
    { text: '<pad>', type: LlamaTokenType.CONTROL },
    { text: '<eos>', type: LlamaTokenType.CONTROL },
    { text: '<bos>', type: LlamaTokenType.CONTROL },
    { text: '<unk>', type: LlamaTokenType.UNKNOWN },
  ],
  afterBytes: [
    { text: START_OF_TURN, type: LlamaTokenType.CONTROL },
    { text: END_OF_TURN, type: LlamaTokenType.CONTROL },
    { text: START_OF_IMAGE, type: LlamaTokenType.CONTROL },
    { text: END_OF_IMAGE, type: LlamaTokenType.CONTROL },
  ],
};

/** A Gemma-style SentencePiece vocabulary in the shape of the `tokenizer.ggml.*` metadata. */
export interface GemmaTokenizerVocab {
  readonly tokens: readonly string[];
  readonly scores: Float32Array;
  readonly tokenTypes: Int32Array;
  readonly padId: number;
  /** `<eos>`: the end of a document (Gemma's `tokenizer.ggml.eos_token_id`). */
  readonly eosId: number;
  readonly bosId: number;
  readonly unkId: number;
  readonly startOfTurnId: number;
  /** `<end_of_turn>`: the end of a chat turn (`tokenizer.ggml.eot_token_id`). */
  readonly endOfTurnId: number;
  readonly startOfImageId: number;
  readonly endOfImageId: number;
}

/** The largest vocabulary {@link buildGemmaTokenizerVocab} can build. */
export function maxGemmaTokenizerVocabSize(): number {
  return maxSentencePieceVocabSize(GEMMA_LAYOUT);
}

/**
 * Builds a deterministic vocabulary with Gemma's special tokens (CONTROL, so they are parsed
 * from text only when special tokens are enabled, as in Gemma's own GGUFs) and the same byte
 * tokens and word pieces as the llama vocabulary.
 * @throws RangeError when `vocabSize` is below the fixed tokens or above the maximum.
 */
export function buildGemmaTokenizerVocab(options: LlamaTokenizerVocabOptions = {}): GemmaTokenizerVocab {
  const { tokens, scores, tokenTypes, specialIds } = buildSentencePieceVocab(GEMMA_LAYOUT, options);
  const id = (text: string) => specialIds.get(text)!;
  return {
    tokens,
    scores,
    tokenTypes,
    padId: id('<pad>'),
    eosId: id('<eos>'),
    bosId: id('<bos>'),
    unkId: id('<unk>'),
    startOfTurnId: id(START_OF_TURN),
    endOfTurnId: id(END_OF_TURN),
    startOfImageId: id(START_OF_IMAGE),
    endOfImageId: id(END_OF_IMAGE),
  };
}
