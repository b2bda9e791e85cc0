import { CHATML_TEMPLATE } from './chatml-template.js';
import type { EncodableGgmlType } from './encode-tensor-data.js';
import { GgmlType } from './ggml-type.js';
import { GgufValue, type GgufMetadataValue } from './gguf-metadata-value.js';
import { writeGgufFile, type GgufTensorSource } from './gguf-writer.js';
import { LLAMA_POOLING_TYPE, type LlamaModelOptions, type LlamaWeightEncoding } from './llama-model-options.js';
import { buildLlamaTokenizerVocab, type LlamaTokenizerVocab } from './llama-tokenizer-vocab.js';
import { randomRows } from './random-tensor-values.js';

/**
 * Version of what {@link writeLlamaModel} produces for given options. Bump it whenever the
 * bytes would change (vocabulary lists, init, metadata) so caches keyed on it regenerate.
 */
export const LLAMA_GENERATOR_VERSION = 1;

/** Metadata key holding the generator version and options as JSON, for cache validation. */
export const GENERATOR_METADATA_KEY = 'gemserve.generator';

/**
 * The string {@link writeLlamaModel} stores under {@link GENERATOR_METADATA_KEY}: equal stamps
 * mean byte-identical files, so a cache can check a file it finds without regenerating it.
 */
export function llamaGeneratorStamp(options: LlamaModelOptions): string {
  return JSON.stringify({ version: LLAMA_GENERATOR_VERSION, options });
}

/** What {@link writeLlamaModel} wrote. */
export interface LlamaModelWriteResult {
  readonly path: string;
  readonly bytes: number;
  readonly parameterCount: number;
  readonly vocabSize: number;
  /** Id of the token that ends generation (`tokenizer.ggml.eos_token_id`). */
  readonly eosTokenId: number;
}

/**
 * `general.file_type` for each weight encoding: `enum llama_ftype` (llama.h) says what the
 * bulk of the weights are.
 */
export const WEIGHT_FILE_TYPE: Readonly<Record<LlamaWeightEncoding, number>> = { f32: 0, f16: 1, q8_0: 7 };
/** The ggml type of the weight matrices for each encoding. */
export const WEIGHT_MATRIX_TYPE: Readonly<Record<LlamaWeightEncoding, EncodableGgmlType>> = {
  f32: GgmlType.F32, f16: GgmlType.F16, q8_0: GgmlType.Q8_0,
};

function validate(o: LlamaModelOptions): void {
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
  const positive = ['nEmbd', 'nLayer', 'nHead', 'nHeadKv', 'nFf', 'contextLength'] as const;
  for (const key of positive) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${o[key]}`);
  }
  if (o.nEmbd % o.nHead !== 0) throw new RangeError(`nEmbd (${o.nEmbd}) must be a multiple of nHead (${o.nHead})`);
  if ((o.nEmbd / o.nHead) % 2 !== 0) throw new RangeError('the head size nEmbd / nHead must be even for RoPE');
  if (o.nHead % o.nHeadKv !== 0) throw new RangeError(`nHead (${o.nHead}) must be a multiple of nHeadKv (${o.nHeadKv})`);
  if (o.quantization === 'q8_0' && (o.nEmbd % 32 !== 0 || o.nFf % 32 !== 0)) {
    throw new RangeError('q8_0 needs nEmbd and nFf to be multiples of 32 (Q8_0 blocks do not straddle rows)');
  }
}

/**
 * The tensors of a llama model in llama.cpp's GGUF naming (LLM_TENSOR_NAMES, llama-arch.cpp)
 * and shapes, ne0 first: a weight used as `y = W x` has ne0 = size of x (its input).
 */
function llamaTensors(o: LlamaModelOptions, nVocab: number): GgufTensorSource[] {
  const matrixType = WEIGHT_MATRIX_TYPE[o.quantization];
  const scale = o.weightScale ?? 0.02;
  const nEmbdKv = (o.nEmbd / o.nHead) * o.nHeadKv;
  const matrix = (name: string, ne0: number, ne1: number): GgufTensorSource => ({
    name, dims: [ne0, ne1], type: matrixType,
    values: () => randomRows(o.seed, name, ne0, ne1, scale),
  });
  // RMSNorm weights of 1 leave the normalised activations as they are.
  const norm = (name: string): GgufTensorSource => ({
    name, dims: [o.nEmbd], type: GgmlType.F32,
    values: function* () { yield new Float32Array(o.nEmbd).fill(1); },
  });

  const tensors = [matrix('token_embd.weight', o.nEmbd, nVocab)];
  for (let i = 0; i < o.nLayer; i++) {
    const p = `blk.${i}.`;
    tensors.push(
      norm(`${p}attn_norm.weight`),
      matrix(`${p}attn_q.weight`, o.nEmbd, o.nEmbd),
      matrix(`${p}attn_k.weight`, o.nEmbd, nEmbdKv),
      matrix(`${p}attn_v.weight`, o.nEmbd, nEmbdKv),
      matrix(`${p}attn_output.weight`, o.nEmbd, o.nEmbd),
      norm(`${p}ffn_norm.weight`),
      matrix(`${p}ffn_gate.weight`, o.nEmbd, o.nFf),
      matrix(`${p}ffn_up.weight`, o.nEmbd, o.nFf),
      matrix(`${p}ffn_down.weight`, o.nFf, o.nEmbd),
    );
  }
  tensors.push(norm('output_norm.weight'), matrix('output.weight', o.nEmbd, nVocab));
  return tensors;
}

function chatTemplateOf(o: LlamaModelOptions): string | undefined {
  if (o.chatTemplate === true) return CHATML_TEMPLATE;
  return o.chatTemplate === false ? undefined : o.chatTemplate;
}

/**
 * A chat model ends its turn with <|im_end|>, so that is its EOS (as in Qwen's GGUFs) and
 * llama.cpp ends generation on it; a plain model ends a document with </s>. llama.cpp also
 * recognises <|im_end|> by its text as an end-of-turn token, so both kinds stop on either.
 */
function eosIdOf(o: LlamaModelOptions, vocab: LlamaTokenizerVocab): number {
  return chatTemplateOf(o) === undefined ? vocab.eosId : vocab.imEndId;
}

function llamaMetadata(o: LlamaModelOptions, vocab: LlamaTokenizerVocab): Record<string, GgufMetadataValue> {
  const template = chatTemplateOf(o);
  const metadata: Record<string, GgufMetadataValue> = {
    'general.architecture': 'llama',
    'general.name': o.name,
    'general.file_type': GgufValue.uint32(WEIGHT_FILE_TYPE[o.quantization]),
    'general.quantization_version': GgufValue.uint32(2), // GGML_QNT_VERSION
    [GENERATOR_METADATA_KEY]: llamaGeneratorStamp(o),
    'llama.vocab_size': GgufValue.uint32(vocab.tokens.length),
    'llama.context_length': GgufValue.uint32(o.contextLength),
    'llama.embedding_length': GgufValue.uint32(o.nEmbd),
    'llama.block_count': GgufValue.uint32(o.nLayer),
    'llama.feed_forward_length': GgufValue.uint32(o.nFf),
    'llama.attention.head_count': GgufValue.uint32(o.nHead),
    'llama.attention.head_count_kv': GgufValue.uint32(o.nHeadKv),
    'llama.rope.dimension_count': GgufValue.uint32(o.nEmbd / o.nHead),
    'llama.rope.freq_base': GgufValue.float32(10000),
    'llama.attention.layer_norm_rms_epsilon': GgufValue.float32(1e-5),
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': GgufValue.stringArray(vocab.tokens),
    'tokenizer.ggml.scores': GgufValue.numberArray('float32', vocab.scores),
    'tokenizer.ggml.token_type': GgufValue.numberArray('int32', vocab.tokenTypes),
    'tokenizer.ggml.bos_token_id': GgufValue.uint32(vocab.bosId),
    'tokenizer.ggml.eos_token_id': GgufValue.uint32(eosIdOf(o, vocab)),
    'tokenizer.ggml.unknown_token_id': GgufValue.uint32(vocab.unkId),
    'tokenizer.ggml.add_bos_token': true,
    'tokenizer.ggml.add_eos_token': false,
  };
  if (template !== undefined) metadata['tokenizer.chat_template'] = template;
  // Read by llama.cpp for every architecture (LLM_KV_POOLING_TYPE in llama_model::load_hparams).
  if (o.poolingType !== undefined) metadata['llama.pooling_type'] = GgufValue.uint32(LLAMA_POOLING_TYPE[o.poolingType]);
  return metadata;
}

function countParameters(tensors: readonly GgufTensorSource[]): number {
  return tensors.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
}

/** How many weights a model with these options has, without writing it. */
export function llamaParameterCount(options: LlamaModelOptions): number {
  validate(options);
  return countParameters(llamaTensors(options, buildLlamaTokenizerVocab(options.vocab).tokens.length));
}

/**
 * Writes a llama-architecture GGUF model with seeded random weights and a real SentencePiece
 * vocabulary, loadable by llama.cpp (and so node-llama-cpp). The output is streamed and a
 * pure function of `options`: the same options give a byte-identical file.
 * @example await writeLlamaModel('tiny.gguf', { ...LLAMA_MODEL_PRESETS.tiny, chatTemplate: false })
 */
export async function writeLlamaModel(path: string, options: LlamaModelOptions): Promise<LlamaModelWriteResult> {
  validate(options);
  const vocab = buildLlamaTokenizerVocab(options.vocab);
  const tensors = llamaTensors(options, vocab.tokens.length);
  const metadata = llamaMetadata(options, vocab);
  const { bytes } = await writeGgufFile(path, { metadata, tensors });
  return {
    path,
    bytes,
    parameterCount: countParameters(tensors),
    vocabSize: vocab.tokens.length,
    eosTokenId: eosIdOf(options, vocab),
  };
}
