import type { Gemma3ProjectorOptions } from './gemma3-projector-options.js';
import { GgmlType } from './ggml-type.js';
import { GgufValue, type GgufMetadataValue } from './gguf-metadata-value.js';
import { writeGgufFile, type GgufTensorSource } from './gguf-writer.js';
import { constantValues, randomRows } from './random-tensor-values.js';
import { GENERATOR_METADATA_KEY, WEIGHT_FILE_TYPE, WEIGHT_MATRIX_TYPE } from './write-llama-model.js';

/**
 * Version of what {@link writeGemma3Projector} produces for given options. Bump it whenever
 * the bytes would change so caches keyed on it regenerate.
 */
export const GEMMA3_PROJECTOR_GENERATOR_VERSION = 1;

/** The string stored under {@link GENERATOR_METADATA_KEY}: equal stamps mean byte-identical files. */
export function gemma3ProjectorGeneratorStamp(options: Gemma3ProjectorOptions): string {
  return JSON.stringify({ generator: 'gemma3-projector', version: GEMMA3_PROJECTOR_GENERATOR_VERSION, options });
}

/** What {@link writeGemma3Projector} wrote. */
export interface Gemma3ProjectorWriteResult {
  readonly path: string;
  readonly bytes: number;
  readonly parameterCount: number;
}

/** SigLIP normalises pixels to [-1, 1]: mean and std 0.5 per channel (Gemma 3's preprocessor_config.json). */
const IMAGE_MEAN_STD = [0.5, 0.5, 0.5];

/** The projector type llama.cpp's converter gives Gemma 3 (`VisionProjectorType.GEMMA3` in gguf-py). */
const PROJECTOR_TYPE = 'gemma3';

/** The pooling kernel clip.cpp assumes when `clip.vision.projector.scale_factor` is absent. */
const DEFAULT_SCALE_FACTOR = 4;

function validate(o: Gemma3ProjectorOptions): void {
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
  const positive = ['imageSize', 'patchSize', 'nEmbd', 'nFf', 'nLayer', 'nHead', 'projectionDim', 'scaleFactor'] as const;
  for (const key of positive) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${o[key]}`);
  }
  if (o.imageSize % o.patchSize !== 0) throw new RangeError(`patchSize (${o.patchSize}) must divide imageSize (${o.imageSize})`);
  if ((o.imageSize / o.patchSize) % o.scaleFactor !== 0) {
    throw new RangeError(`scaleFactor (${o.scaleFactor}) must divide the ${o.imageSize / o.patchSize} patches per side`);
  }
  if (o.nEmbd % o.nHead !== 0) throw new RangeError(`nHead (${o.nHead}) must divide nEmbd (${o.nEmbd})`);
  if (o.quantization === 'q8_0' && (o.nEmbd % 32 !== 0 || o.nFf % 32 !== 0)) {
    throw new RangeError('q8_0 needs nEmbd and nFf to be multiples of 32 (Q8_0 blocks do not straddle rows)');
  }
}

/**
 * The tensors clip.cpp loads for a Gemma 3 projector (TN_* names in tools/mtmd/clip-impl.h;
 * `mm.input_projection` and `mm.soft_emb_norm` for PROJECTOR_TYPE_GEMMA3), in the order and
 * with the types llama.cpp's converter writes them (as in mmproj-tinygemma3.gguf): the
 * projection is forced to F16 and the patch and position embeddings to F32
 * (`Gemma3VisionModel.tensor_force_quant`, conversion/gemma.py), vectors are F32.
 */
function projectorTensors(o: Gemma3ProjectorOptions): GgufTensorSource[] {
  const scale = o.weightScale ?? 0.02;
  const patchesPerSide = o.imageSize / o.patchSize;
  const random = (name: string, dims: number[], type = WEIGHT_MATRIX_TYPE[o.quantization]): GgufTensorSource => ({
    name, dims, type,
    values: () => randomRows(o.seed, name, dims[0], dims.slice(1).reduce((a, b) => a * b, 1), scale),
  });
  // LayerNorm starts as the identity (weight 1, bias 0) and biases at 0, as in PyTorch's init;
  // soft_emb_norm is Gemma's RMSNorm, stored already shifted by +1, so 1 is its identity too.
  const constant = (name: string, size: number, value: number): GgufTensorSource => ({
    name, dims: [size], type: GgmlType.F32, values: () => constantValues(size, value),
  });
  const bias = (name: string, size = o.nEmbd) => constant(name, size, 0);
  const ones = (name: string) => constant(name, o.nEmbd, 1);

  const tensors = [
    // ne0 is the text width: clip.cpp transposes it and reads n_mmproj_embd from ne[0].
    random('mm.input_projection.weight', [o.projectionDim, o.nEmbd], GgmlType.F16),
    ones('mm.soft_emb_norm.weight'),
    bias('v.patch_embd.bias'),
    random('v.patch_embd.weight', [o.patchSize, o.patchSize, 3, o.nEmbd], GgmlType.F32),
    random('v.position_embd.weight', [o.nEmbd, patchesPerSide * patchesPerSide], GgmlType.F32),
  ];
  for (let i = 0; i < o.nLayer; i++) {
    const p = `v.blk.${i}.`;
    tensors.push(
      bias(`${p}ln1.bias`), ones(`${p}ln1.weight`),
      bias(`${p}ln2.bias`), ones(`${p}ln2.weight`),
      bias(`${p}ffn_up.bias`, o.nFf), random(`${p}ffn_up.weight`, [o.nEmbd, o.nFf]),
      bias(`${p}ffn_down.bias`), random(`${p}ffn_down.weight`, [o.nFf, o.nEmbd]),
    );
    for (const proj of ['attn_k', 'attn_out', 'attn_q', 'attn_v']) {
      tensors.push(bias(`${p}${proj}.bias`), random(`${p}${proj}.weight`, [o.nEmbd, o.nEmbd]));
    }
  }
  tensors.push(bias('v.post_ln.bias'), ones('v.post_ln.weight'));
  return tensors;
}

/**
 * `general.size_label` as gguf-py writes it (`model_weight_count_rounded_notation` in
 * gguf-py/gguf/utility.py): at least two significant digits, then K, M, B or T.
 */
export function sizeLabel(parameterCount: number): string {
  const [scale, suffix] = parameterCount > 1e12 ? [1e-12, 'T'] : parameterCount > 1e9 ? [1e-9, 'B']
    : parameterCount > 1e6 ? [1e-6, 'M'] : [1e-3, 'K'];
  const scaled = parameterCount * scale;
  const digits = String(Math.round(scaled)).replace(/^0+/, '').length;
  return `${scaled.toFixed(Math.max(2 - digits, 0))}${suffix}`;
}

/**
 * The keys of llama.cpp's Gemma 3 mmproj (`MmprojModel` and `Gemma3VisionModel` in
 * conversion/, as written in mmproj-tinygemma3.gguf, in that order), all with the types
 * clip.cpp reads them with. The training tags (`general.tags`) of that file are left out.
 */
function projectorMetadata(o: Gemma3ProjectorOptions, parameterCount: number): Record<string, GgufMetadataValue> {
  const u32 = GgufValue.uint32;
  const metadata: Record<string, GgufMetadataValue> = {
    'general.architecture': 'clip',
    'general.type': 'clip-vision',
    'general.name': o.name,
    'general.size_label': sizeLabel(parameterCount),
    'general.file_type': u32(WEIGHT_FILE_TYPE[o.quantization]),
    'clip.vision.projection_dim': u32(o.projectionDim),
    'clip.has_vision_encoder': true,
    'clip.vision.image_size': u32(o.imageSize),
    'clip.vision.patch_size': u32(o.patchSize),
    'clip.vision.embedding_length': u32(o.nEmbd),
    'clip.vision.feed_forward_length': u32(o.nFf),
    'clip.vision.block_count': u32(o.nLayer),
    'clip.vision.attention.head_count': u32(o.nHead),
    'clip.vision.image_mean': GgufValue.numberArray('float32', IMAGE_MEAN_STD),
    'clip.vision.image_std': GgufValue.numberArray('float32', IMAGE_MEAN_STD),
    'clip.projector_type': PROJECTOR_TYPE,
    'clip.vision.attention.layer_norm_epsilon': GgufValue.float32(1e-6),
    'clip.use_gelu': true,
  };
  // The converter writes the pooling kernel only when it is not clip.cpp's default.
  if (o.scaleFactor !== DEFAULT_SCALE_FACTOR) metadata['clip.vision.projector.scale_factor'] = u32(o.scaleFactor);
  metadata['general.quantization_version'] = u32(2); // GGML_QNT_VERSION
  metadata[GENERATOR_METADATA_KEY] = gemma3ProjectorGeneratorStamp(o);
  return metadata;
}

/**
 * Writes a Gemma 3 vision projector (an mmproj GGUF for llama.cpp's `--mmproj`) with seeded
 * random weights, in the format of llama.cpp's converted Gemma 3 projectors. It pairs with a
 * gemma3 text model whose n_embd equals `projectionDim`. A pure function of `options`.
 * @example await writeGemma3Projector('mmproj.gguf', GEMMA3_PROJECTOR_PRESETS.tiny)
 */
export async function writeGemma3Projector(
  path: string, options: Gemma3ProjectorOptions,
): Promise<Gemma3ProjectorWriteResult> {
  validate(options);
  const tensors = projectorTensors(options);
  const parameterCount = tensors.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
  const { bytes } = await writeGgufFile(path, { metadata: projectorMetadata(options, parameterCount), tensors });
  return { path, bytes, parameterCount };
}
