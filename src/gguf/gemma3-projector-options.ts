import type { LlamaWeightEncoding } from './llama-model-options.js';

/**
 * The shape of a generated Gemma 3 vision projector ("mmproj"): a SigLIP-style vision
 * transformer followed by Gemma 3's pooling, RMS norm and projection into the text model.
 */
export interface Gemma3ProjectorOptions {
  /** `general.name`. */
  readonly name: string;
  /** Same seed (and options) ⇒ byte-identical file. */
  readonly seed: number;
  /** Side of the square images the encoder takes (`clip.vision.image_size`); inputs are resized to it. */
  readonly imageSize: number;
  /** Side of one square patch (`clip.vision.patch_size`); must divide imageSize. */
  readonly patchSize: number;
  /** Hidden size of the vision transformer (`clip.vision.embedding_length`). */
  readonly nEmbd: number;
  /** Feed-forward size of the vision transformer. */
  readonly nFf: number;
  /** Vision transformer blocks. */
  readonly nLayer: number;
  /** Attention heads; must divide nEmbd. */
  readonly nHead: number;
  /** Width of the text model the image embeddings are projected into: its n_embd. */
  readonly projectionDim: number;
  /**
   * Average-pooling kernel over the patch grid (`clip.vision.projector.scale_factor`, 4 in
   * every real Gemma 3): an image becomes (imageSize / patchSize / scaleFactor)² tokens.
   */
  readonly scaleFactor: number;
  /** Encoding of the transformer's weight matrices. Q8_0 needs nEmbd and nFf in multiples of 32. */
  readonly quantization: LlamaWeightEncoding;
  /** Standard deviation of the random weights. Default 0.02. */
  readonly weightScale?: number;
}

/** Named option sets for the projectors this project generates. */
export const GEMMA3_PROJECTOR_PRESETS = {
  /**
   * The shape of `mmproj-tinygemma3.gguf` (`ggml-org/tinygemma3-GGUF`, llama.cpp's own test
   * projector): 32×32 images in 2×2 patches, 4 blocks of width 128, no pooling, so one image
   * is 256 tokens; 844K parameters, 1 MB in Q8_0. Projects into a text model of n_embd 128.
   */
  tiny: {
    name: 'gemserve-tiny-gemma3-mmproj',
    seed: 1,
    imageSize: 32,
    patchSize: 2,
    nEmbd: 128,
    nFf: 512,
    nLayer: 4,
    nHead: 4,
    projectionDim: 128,
    scaleFactor: 1,
    quantization: 'q8_0',
  },
} as const satisfies Record<string, Gemma3ProjectorOptions>;

/** Name of a preset in {@link GEMMA3_PROJECTOR_PRESETS}. */
export type Gemma3ProjectorPresetName = keyof typeof GEMMA3_PROJECTOR_PRESETS;

/**
 * How many embeddings one image becomes (`clip_n_output_tokens` for PROJECTOR_TYPE_GEMMA3 in
 * llama.cpp's tools/mtmd/clip.cpp). The text model sees two more tokens around them,
 * `<start_of_image>` and `<end_of_image>`.
 */
export function gemma3ProjectorImageTokens(options: Gemma3ProjectorOptions): number {
  const perSide = options.imageSize / options.patchSize / options.scaleFactor;
  return perSide * perSide;
}
