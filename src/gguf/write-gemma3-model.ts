import { GEMMA3_CHAT_TEMPLATE } from './gemma3-chat-template.js';
import type { Gemma3ModelOptions } from './gemma3-model-options.js';
import { buildGemmaTokenizerVocab, type GemmaTokenizerVocab } from './gemma-tokenizer-vocab.js';
import { GgmlType } from './ggml-type.js';
import { GgufValue, type GgufMetadataValue } from './gguf-metadata-value.js';
import { writeGgufFile, type GgufTensorSource } from './gguf-writer.js';
import { constantValues, randomRows } from './random-tensor-values.js';
import { GENERATOR_METADATA_KEY, WEIGHT_FILE_TYPE, WEIGHT_MATRIX_TYPE } from './write-llama-model.js';

/**
 * Version of what {@link writeGemma3Model} produces for given options. Bump it whenever the
 * bytes would change so caches keyed on it regenerate.
 */
export const GEMMA3_GENERATOR_VERSION = 1;

/**
 * The string stored under {@link GENERATOR_METADATA_KEY}: equal stamps mean byte-identical
 * files. It names the generator, so it never equals a llama model's stamp.
 */
export function gemma3GeneratorStamp(options: Gemma3ModelOptions): string {
  return JSON.stringify({ generator: 'gemma3', version: GEMMA3_GENERATOR_VERSION, options });
}

/** What {@link writeGemma3Model} wrote. */
export interface Gemma3ModelWriteResult {
  readonly path: string;
  readonly bytes: number;
  readonly parameterCount: number;
  readonly vocabSize: number;
  /** `<eos>` (`tokenizer.ggml.eos_token_id`). */
  readonly eosTokenId: number;
  /** `<end_of_turn>` (`tokenizer.ggml.eot_token_id`), which ends a chat reply. */
  readonly endOfTurnTokenId: number;
  readonly startOfImageTokenId: number;
  readonly endOfImageTokenId: number;
}

function validate(o: Gemma3ModelOptions): void {
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
  const positive = ['nEmbd', 'nLayer', 'nHead', 'nHeadKv', 'headDim', 'nFf', 'contextLength'] as const;
  for (const key of positive) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${o[key]}`);
  }
  if (o.headDim % 2 !== 0) throw new RangeError(`headDim must be even for RoPE, got ${o.headDim}`);
  if (o.nHead % o.nHeadKv !== 0) throw new RangeError(`nHead (${o.nHead}) must be a multiple of nHeadKv (${o.nHeadKv})`);
  if (!Number.isInteger(o.slidingWindow) || o.slidingWindow < 0) {
    throw new RangeError(`slidingWindow must be a non-negative integer, got ${o.slidingWindow}`);
  }
  const pattern = o.slidingWindowPattern;
  if (pattern !== undefined && (!Number.isInteger(pattern) || pattern < 1)) {
    throw new RangeError(`slidingWindowPattern must be a positive integer, got ${pattern}`);
  }
  if (o.quantization === 'q8_0' && [o.nEmbd, o.nFf, o.nHead * o.headDim].some((n) => n % 32 !== 0)) {
    throw new RangeError('q8_0 needs nEmbd, nFf and nHead × headDim to be multiples of 32 (Q8_0 blocks do not straddle rows)');
  }
}

/**
 * The tensors llama.cpp's gemma3 loader creates (`llama_model_gemma3::load_arch_tensors`,
 * src/models/gemma3.cpp; names from LLM_TENSOR_NAMES in llama-arch.cpp), shapes ne0 first.
 * There is no `output.weight`: Gemma ties the output projection to `token_embd`, and llama.cpp
 * reuses that tensor when the output is absent, as Gemma's converted GGUFs do.
 */
function gemma3Tensors(o: Gemma3ModelOptions, nVocab: number): GgufTensorSource[] {
  const matrixType = WEIGHT_MATRIX_TYPE[o.quantization];
  const scale = o.weightScale ?? 0.02;
  const nQ = o.nHead * o.headDim;
  const nKv = o.nHeadKv * o.headDim;
  const matrix = (name: string, ne0: number, ne1: number): GgufTensorSource => ({
    name, dims: [ne0, ne1], type: matrixType,
    values: () => randomRows(o.seed, name, ne0, ne1, scale),
  });
  // Gemma's RMSNorm scales by (1 + w); its converter stores 1 + w, so a stored 1 is the
  // identity (norm_shift in llama.cpp's conversion/gemma.py).
  const norm = (name: string, size = o.nEmbd): GgufTensorSource => ({
    name, dims: [size], type: GgmlType.F32, values: () => constantValues(size, 1),
  });

  const tensors = [matrix('token_embd.weight', o.nEmbd, nVocab)];
  for (let i = 0; i < o.nLayer; i++) {
    const p = `blk.${i}.`;
    tensors.push(
      norm(`${p}attn_norm.weight`),
      matrix(`${p}attn_q.weight`, o.nEmbd, nQ),
      matrix(`${p}attn_k.weight`, o.nEmbd, nKv),
      matrix(`${p}attn_v.weight`, o.nEmbd, nKv),
      norm(`${p}attn_q_norm.weight`, o.headDim),
      norm(`${p}attn_k_norm.weight`, o.headDim),
      matrix(`${p}attn_output.weight`, nQ, o.nEmbd),
      norm(`${p}post_attention_norm.weight`),
      norm(`${p}ffn_norm.weight`),
      matrix(`${p}ffn_gate.weight`, o.nEmbd, o.nFf),
      matrix(`${p}ffn_up.weight`, o.nEmbd, o.nFf),
      matrix(`${p}ffn_down.weight`, o.nFf, o.nEmbd),
      norm(`${p}post_ffw_norm.weight`),
    );
  }
  tensors.push(norm('output_norm.weight'));
  return tensors;
}

/**
 * The keys llama.cpp's converter writes for Gemma 3 (`Gemma3Model.set_gguf_parameters` and
 * `set_vocab` in conversion/gemma.py): head size given explicitly, rms eps 1e-6, rope base 1e6
 * for the global layers, no space prefix in the tokenizer. `<end_of_turn>` is named as the
 * end-of-turn token explicitly; llama.cpp would also find it by its text.
 */
function gemma3Metadata(o: Gemma3ModelOptions, vocab: GemmaTokenizerVocab): Record<string, GgufMetadataValue> {
  const u32 = GgufValue.uint32;
  const metadata: Record<string, GgufMetadataValue> = {
    'general.architecture': 'gemma3',
    'general.name': o.name,
    'general.file_type': u32(WEIGHT_FILE_TYPE[o.quantization]),
    'general.quantization_version': u32(2), // GGML_QNT_VERSION
    [GENERATOR_METADATA_KEY]: gemma3GeneratorStamp(o),
    'gemma3.context_length': u32(o.contextLength),
    'gemma3.embedding_length': u32(o.nEmbd),
    'gemma3.block_count': u32(o.nLayer),
    'gemma3.feed_forward_length': u32(o.nFf),
    'gemma3.attention.head_count': u32(o.nHead),
    'gemma3.attention.head_count_kv': u32(o.nHeadKv),
    'gemma3.attention.key_length': u32(o.headDim),
    'gemma3.attention.value_length': u32(o.headDim),
    'gemma3.attention.layer_norm_rms_epsilon': GgufValue.float32(1e-6),
    'gemma3.rope.freq_base': GgufValue.float32(1_000_000),
  };
  if (o.slidingWindow > 0) {
    metadata['gemma3.attention.sliding_window'] = u32(o.slidingWindow);
    if (o.slidingWindowPattern !== undefined) {
      metadata['gemma3.attention.sliding_window_pattern'] = u32(o.slidingWindowPattern);
    }
  }
  return {
    ...metadata,
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': GgufValue.stringArray(vocab.tokens),
    'tokenizer.ggml.scores': GgufValue.numberArray('float32', vocab.scores),
    'tokenizer.ggml.token_type': GgufValue.numberArray('int32', vocab.tokenTypes),
    'tokenizer.ggml.bos_token_id': u32(vocab.bosId),
    'tokenizer.ggml.eos_token_id': u32(vocab.eosId),
    'tokenizer.ggml.eot_token_id': u32(vocab.endOfTurnId),
    'tokenizer.ggml.unknown_token_id': u32(vocab.unkId),
    'tokenizer.ggml.padding_token_id': u32(vocab.padId),
    'tokenizer.ggml.add_bos_token': true,
    'tokenizer.ggml.add_eos_token': false,
    'tokenizer.ggml.add_space_prefix': false,
    'tokenizer.chat_template': GEMMA3_CHAT_TEMPLATE,
  };
}

function countParameters(tensors: readonly GgufTensorSource[]): number {
  return tensors.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
}

/**
 * Writes a gemma3-architecture GGUF text model with seeded random weights, Gemma's special
 * tokens (turn and image delimiters) and Gemma 3's chat template, loadable by llama.cpp and
 * node-llama-cpp and pairable with a Gemma 3 vision projector of the same width. Streamed,
 * and a pure function of `options`: the same options give a byte-identical file.
 * @example await writeGemma3Model('gemma3.gguf', GEMMA3_MODEL_PRESETS.tiny)
 */
export async function writeGemma3Model(path: string, options: Gemma3ModelOptions): Promise<Gemma3ModelWriteResult> {
  validate(options);
  const vocab = buildGemmaTokenizerVocab(options.vocab);
  const tensors = gemma3Tensors(options, vocab.tokens.length);
  const { bytes } = await writeGgufFile(path, { metadata: gemma3Metadata(options, vocab), tensors });
  return {
    path,
    bytes,
    parameterCount: countParameters(tensors),
    vocabSize: vocab.tokens.length,
    eosTokenId: vocab.eosId,
    endOfTurnTokenId: vocab.endOfTurnId,
    startOfImageTokenId: vocab.startOfImageId,
    endOfImageTokenId: vocab.endOfImageId,
  };
}
