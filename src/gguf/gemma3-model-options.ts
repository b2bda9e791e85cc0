import type { LlamaTokenizerVocabOptions } from './llama-tokenizer-vocab.js';
import type { LlamaWeightEncoding } from './llama-model-options.js';

/** The shape and contents of a generated gemma3-architecture text model. */
export interface Gemma3ModelOptions {
  /** `general.name`. */
  readonly name: string;
  /** Same seed (and options) ⇒ byte-identical file. */
  readonly seed: number;
  /**
   * Hidden size (`gemma3.embedding_length`). A vision projector pairs with the model only when
   * its `clip.vision.projection_dim` equals this (mtmd checks it when loading).
   */
  readonly nEmbd: number;
  /** Transformer blocks (`gemma3.block_count`). */
  readonly nLayer: number;
  /** Query heads. */
  readonly nHead: number;
  /** Key/value heads; must divide nHead (Gemma 3 1B has 4 query heads and 1 KV head). */
  readonly nHeadKv: number;
  /**
   * Size of one head (`gemma3.attention.key_length` and `value_length`). Gemma sets it
   * independently of nEmbd / nHead (256 in every Gemma 3). Must be even for RoPE.
   */
  readonly headDim: number;
  /** Feed-forward hidden size (`gemma3.feed_forward_length`). */
  readonly nFf: number;
  /** Training context the model declares (`gemma3.context_length`). */
  readonly contextLength: number;
  /**
   * `gemma3.attention.sliding_window`: a positive window gives Gemma 3's interleaved local
   * attention; 0 leaves the key out and every layer attends globally.
   */
  readonly slidingWindow: number;
  /**
   * With a sliding window, every this-many-th layer attends globally and the others locally
   * (`gemma3.attention.sliding_window_pattern`, read by `load_swa_pattern` in llama-model.cpp).
   * Gemma 3 files omit it and get llama.cpp's default of 6 (5 local layers, then 1 global), which
   * would leave a model of 5 layers or fewer with no global layer at all. Default 6.
   */
  readonly slidingWindowPattern?: number;
  readonly vocab?: LlamaTokenizerVocabOptions;
  /** Encoding of the weight matrices. Q8_0 needs nEmbd, nFf and nHead × headDim in multiples of 32. */
  readonly quantization: LlamaWeightEncoding;
  /** Standard deviation of the random weights. Default 0.02. */
  readonly weightScale?: number;
}

/** Named option sets for the gemma3 models this project generates. */
export const GEMMA3_MODEL_PRESETS = {
  /**
   * About 0.76M parameters, 3 MB in F32: the text half of a tiny vision pair. n_embd 128
   * matches the Gemma 3 test projector (`ggml-org/tinygemma3-GGUF`, projection_dim 128) and the
   * one `writeGemma3Projector` generates.
   */
  tiny: {
    name: 'gemserve-tiny-gemma3',
    seed: 1,
    nEmbd: 128,
    nLayer: 2,
    nHead: 4,
    nHeadKv: 1,
    headDim: 32,
    nFf: 512,
    contextLength: 8192,
    slidingWindow: 512,
    slidingWindowPattern: 2, // layer 0 local, layer 1 global: both of Gemma 3's attention kinds
    quantization: 'f32',
  },
} as const satisfies Record<string, Gemma3ModelOptions>;

/** Name of a preset in {@link GEMMA3_MODEL_PRESETS}. */
export type Gemma3ModelPresetName = keyof typeof GEMMA3_MODEL_PRESETS;
