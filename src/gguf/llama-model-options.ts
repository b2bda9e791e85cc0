import type { LlamaTokenizerVocabOptions } from './llama-tokenizer-vocab.js';

/** How the weight matrices are stored; norm vectors are always F32 (as llama.cpp's converters do). */
export type LlamaWeightEncoding = 'f32' | 'f16' | 'q8_0';

/** The shape and contents of a generated llama-architecture model. */
export interface LlamaModelOptions {
  /** `general.name`. */
  readonly name: string;
  /** Same seed (and options) ⇒ byte-identical file. */
  readonly seed: number;
  /** Hidden size (`llama.embedding_length`). */
  readonly nEmbd: number;
  /** Transformer blocks (`llama.block_count`). */
  readonly nLayer: number;
  /** Attention heads; nEmbd / nHead is the head size and must be even (RoPE rotates pairs). */
  readonly nHead: number;
  /** Key/value heads; fewer than nHead gives grouped-query attention. Must divide nHead. */
  readonly nHeadKv: number;
  /** Feed-forward hidden size (`llama.feed_forward_length`). */
  readonly nFf: number;
  /** Training context the model declares (`llama.context_length`). */
  readonly contextLength: number;
  readonly vocab?: LlamaTokenizerVocabOptions;
  /** Encoding of the weight matrices. Q8_0 needs nEmbd and nFf to be multiples of 32. */
  readonly quantization: LlamaWeightEncoding;
  /**
   * `true` writes the ChatML template and makes `<|im_end|>` the EOS token; a string writes
   * that template instead (EOS still `<|im_end|>`); `false` writes no `tokenizer.chat_template`
   * and EOS is `</s>`, like a base model.
   */
  readonly chatTemplate: boolean | string;
  /** Standard deviation of the random weights. Default 0.02 (GPT-2/Llama init). */
  readonly weightScale?: number;
  /**
   * `llama.pooling_type`, written only when set: how llama.cpp pools the token embeddings of a
   * sequence into one vector, which makes the file an embedding model. Absent: a text model.
   */
  readonly poolingType?: LlamaPoolingType;
}

/**
 * llama.cpp's `enum llama_pooling_type` (llama.h; node-llama-cpp's
 * `GgufMetadataArchitecturePoolingType`), stored as a u32 in `<arch>.pooling_type`.
 */
export const LLAMA_POOLING_TYPE = { none: 0, mean: 1, cls: 2, last: 3 } as const;

/** A pooling a generated model may declare (rank pooling needs a classifier head, not written). */
export type LlamaPoolingType = keyof typeof LLAMA_POOLING_TYPE;

/** Named option sets for the models this project generates. */
export const LLAMA_MODEL_PRESETS = {
  /** About 0.37M parameters, 1.5 MB in F32: written in ~50 ms, loads and generates in milliseconds, for tests. */
  tiny: {
    name: 'gemserve-tiny',
    seed: 1,
    nEmbd: 64,
    nLayer: 2,
    nHead: 4,
    nHeadKv: 2,
    nFf: 128,
    contextLength: 4096,
    quantization: 'f32',
    chatTemplate: true,
  },
  /**
   * About 103M parameters in Q8_0 (109 MB), GPT-2-small-like proportions with a Llama FFN:
   * a realistic per-token cost for benchmarks. Random weights: throughput does not depend on
   * their values.
   */
  bench100m: {
    name: 'gemserve-bench-100m',
    seed: 1,
    nEmbd: 768,
    nLayer: 12,
    nHead: 12,
    nHeadKv: 12,
    nFf: 2560,
    contextLength: 4096,
    quantization: 'q8_0',
    chatTemplate: true,
  },
} as const satisfies Record<string, LlamaModelOptions>;

/** Name of a preset in {@link LLAMA_MODEL_PRESETS}. */
export type LlamaModelPresetName = keyof typeof LLAMA_MODEL_PRESETS;
