import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ChatMLChatWrapper, getLlama, LlamaChat, LlamaCompletion, resolveChatWrapper, type Llama, type LlamaModel,
} from 'node-llama-cpp';
import { CHATML_TEMPLATE } from './chatml-template.js';
import { GgmlType } from './ggml-type.js';
import { LLAMA_MODEL_PRESETS, type LlamaModelOptions } from './llama-model-options.js';
import { IM_END, IM_START } from './llama-tokenizer-vocab.js';
import { readGgufHeader } from './read-gguf-header.js';
import { LLAMA_GENERATOR_VERSION, writeLlamaModel } from './write-llama-model.js';

const tiny = LLAMA_MODEL_PRESETS.tiny;
let dir: string;
let llama: Llama;
let chatPath: string;
let plainPath: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llama-model-'));
  chatPath = path.join(dir, 'chat.gguf');
  plainPath = path.join(dir, 'plain.gguf');
  await writeLlamaModel(chatPath, tiny);
  await writeLlamaModel(plainPath, { ...tiny, chatTemplate: false });
  llama = await getLlama({ gpu: false, build: 'never' });
});
after(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function withModel<T>(file: string, use: (model: LlamaModel) => Promise<T>): Promise<T> {
  const model = await llama.loadModel({ modelPath: file });
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

// node-llama-cpp's default thread count oversubscribes small machines badly; one is fastest here.
const contextOptions = { contextSize: 256, threads: 1 } as const;

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

test('the same options give a byte-identical file; another seed gives another one', async () => {
  const again = path.join(dir, 'again.gguf');
  const other = path.join(dir, 'other.gguf');
  await writeLlamaModel(again, tiny);
  await writeLlamaModel(other, { ...tiny, seed: 2 });
  assert.equal(await sha256(again), await sha256(chatPath));
  assert.notEqual(await sha256(other), await sha256(chatPath));
});

test('the output is pinned: a change here must bump LLAMA_GENERATOR_VERSION', async () => {
  // Caches (test/fixtures/test-models.ts) trust files stamped with the generator version and
  // options, so any change to the bytes for the same options needs a new version, then new
  // hashes here.
  assert.equal(LLAMA_GENERATOR_VERSION, 1);
  assert.equal(await sha256(chatPath), 'b7af89752ef07c2705d54f937c897d557d3b9ea7eac62a219033fd10a3f5dad4');
  const q8Path = path.join(dir, 'pinned-q8.gguf');
  await writeLlamaModel(q8Path, { ...tiny, quantization: 'q8_0' });
  assert.equal(await sha256(q8Path), '6a8d28851a36d2dfa8ed37fb548b578e87cedef34ca424a0aa9e96d848df1183');
});

test('tensors have llama.cpp names and shapes (ne0 = input size) and the metadata describes them', async () => {
  const q8Path = path.join(dir, 'q8.gguf');
  const result = await writeLlamaModel(q8Path, { ...tiny, nEmbd: 64, nFf: 96, quantization: 'q8_0' });
  const file = await open(q8Path);
  const header = await readGgufHeader(file, result.bytes);
  await file.close();
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const nVocab = result.vocabSize;
  const expect: [string, number[], GgmlType][] = [
    ['token_embd.weight', [64, nVocab], GgmlType.Q8_0],
    ['blk.0.attn_norm.weight', [64], GgmlType.F32],
    ['blk.0.attn_q.weight', [64, 64], GgmlType.Q8_0],
    ['blk.0.attn_k.weight', [64, 32], GgmlType.Q8_0], // 2 KV heads of 16
    ['blk.1.attn_v.weight', [64, 32], GgmlType.Q8_0],
    ['blk.1.attn_output.weight', [64, 64], GgmlType.Q8_0],
    ['blk.1.ffn_gate.weight', [64, 96], GgmlType.Q8_0],
    ['blk.1.ffn_up.weight', [64, 96], GgmlType.Q8_0],
    ['blk.1.ffn_down.weight', [96, 64], GgmlType.Q8_0],
    ['output_norm.weight', [64], GgmlType.F32],
    ['output.weight', [64, nVocab], GgmlType.Q8_0],
  ];
  for (const [name, dims, type] of expect) {
    assert.deepEqual(byName.get(name)?.dims, dims, name);
    assert.equal(byName.get(name)?.type, type, name);
  }
  assert.equal(header.tensors.length, 3 + 2 * 9);
  const m = header.metadata;
  assert.equal(m['general.architecture'], 'llama');
  assert.equal(m['general.file_type'], 7);
  assert.equal(m['llama.embedding_length'], 64);
  assert.equal(m['llama.feed_forward_length'], 96);
  assert.equal(m['llama.attention.head_count_kv'], 2);
  assert.equal(m['llama.rope.dimension_count'], 16);
  assert.equal(m['tokenizer.ggml.model'], 'llama');
  assert.equal(result.parameterCount,
    2 * 64 * nVocab + 64 + 2 * (2 * 64 + 2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 96));
});

test('the chat model loads in node-llama-cpp, completes text and stays within maxTokens', async () => {
  await withModel(chatPath, async (model) => {
    assert.equal(model.fileInfo.metadata.general.architecture, 'llama');
    const context = await model.createContext(contextOptions);
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const result = await completion.generateCompletionWithMeta('Once upon a time', { maxTokens: 8 });
    assert.equal(result.metadata.stopReason, 'maxTokens');
    assert.ok(result.response.length > 0);
    const generated = model.tokenize(result.response);
    assert.ok(generated.length >= 4 && generated.length <= 10, `${generated.length} tokens`);
    await context.dispose();
  });
});

test('the tokenizer produces word pieces, not bytes, and detokenizes losslessly', async () => {
  await withModel(chatPath, async (model) => {
    const pieces = (text: string) => model.tokenize(text).map((t) => model.detokenize([t]));
    assert.deepEqual(pieces('Hello world'), ['Hello', 'world']);
    const sentence = 'The people of the world write their own story.';
    const tokens = model.tokenize(sentence);
    assert.ok(tokens.length <= 11, `${tokens.length} tokens for ${sentence.length} characters`);
    assert.ok(pieces('walking').includes('ing'), 'unknown words split into stem and ending');
    for (const text of [sentence, 'Once upon a time, 42 ducks said "hi"!\n\tnaïve café 🙂 日本']) {
      assert.equal(model.detokenize(model.tokenize(text)), text);
    }
    // The control tokens are parsed from text only when special tokens are asked for.
    assert.deepEqual(model.tokenize(`${IM_START}user`, true).slice(0, 1), [259]);
    assert.ok(model.tokenize(IM_START, false).length > 1);
  });
});

test('the chat model has the ChatML template, resolved to ChatML, and <|im_end|> ends generation', async () => {
  await withModel(chatPath, async (model) => {
    assert.equal(model.fileInfo.metadata.tokenizer.chat_template, CHATML_TEMPLATE);
    const wrapper = resolveChatWrapper(model);
    assert.ok(wrapper instanceof ChatMLChatWrapper, wrapper.constructor.name);
    const imEnd = model.tokenize(IM_END, true);
    assert.equal(imEnd.length, 1);
    assert.equal(model.tokens.eos, imEnd[0], '<|im_end|> is the EOS token');
    assert.ok(model.isEogToken(imEnd[0]));

    const context = await model.createContext({ ...contextOptions, sequences: 2 });
    const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper });
    const history = [{ type: 'system', text: 'Be brief.' }, { type: 'user', text: 'Hello' }] as const;
    const limited = await chat.generateResponse([...history], { maxTokens: 5 });
    assert.equal(limited.metadata.stopReason, 'maxTokens');
    // A grammar that completes after two words leaves the sampler only end-of-generation tokens.
    const grammar = await llama.createGrammar({ grammar: 'root ::= "Hello world"' });
    const ended = await chat.generateResponse([...history], { maxTokens: 20, grammar });
    assert.equal(ended.response, 'Hello world');
    assert.equal(ended.metadata.stopReason, 'eogToken');
    await context.dispose();
  });
});

test('the plain model has no chat template and ends documents with </s>', async () => {
  await withModel(plainPath, async (model) => {
    assert.equal(model.fileInfo.metadata.tokenizer.chat_template, undefined);
    const eos = model.tokens.eos;
    assert.equal(eos, 2);
    assert.equal(model.detokenize([eos!], true), '</s>');
    assert.ok(model.isEogToken(model.tokenize(IM_END, true)[0]), 'llama.cpp still knows <|im_end|> ends a turn');
    const context = await model.createContext(contextOptions);
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const grammar = await llama.createGrammar({ grammar: 'root ::= " there was"' });
    const result = await completion.generateCompletionWithMeta('Once upon a time', { maxTokens: 20, grammar });
    assert.equal(result.response.trim(), 'there was');
    assert.equal(result.metadata.stopReason, 'eogToken');
    await context.dispose();
  });
});

test('Q8_0 and F16 models load and generate', async () => {
  for (const quantization of ['q8_0', 'f16'] as const) {
    const file = path.join(dir, `${quantization}.gguf`);
    await writeLlamaModel(file, { ...tiny, quantization, vocab: { vocabSize: 1000 } });
    await withModel(file, async (model) => {
      assert.equal(model.tokens.eos, 260);
      const context = await model.createContext(contextOptions);
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const result = await completion.generateCompletionWithMeta('Hello', { maxTokens: 4 });
      assert.equal(result.metadata.stopReason, 'maxTokens', quantization);
      await context.dispose();
    });
  }
});

test('impossible shapes are refused before anything is written', async () => {
  const bad: Partial<LlamaModelOptions>[] = [
    { nEmbd: 60 }, // head size 60 / 4 = 15 is odd
    { nHead: 3 },
    { nHeadKv: 3 },
    { quantization: 'q8_0', nFf: 100 },
    { nLayer: 0 },
  ];
  for (const override of bad) {
    await assert.rejects(writeLlamaModel(path.join(dir, 'bad.gguf'), { ...tiny, ...override }), RangeError, JSON.stringify(override));
  }
});

test('poolingType writes llama.pooling_type, and llama.cpp pools by it (an embedding model)', async () => {
  await withModel(plainPath, async (model) => {
    assert.equal((model.fileInfo.metadata.llama as { pooling_type?: number } | undefined)?.pooling_type, undefined, 'a text model declares no pooling');
  });
  const vectors: number[][] = [];
  for (const poolingType of ['mean', 'last'] as const) {
    const file = path.join(dir, `embed-${poolingType}.gguf`);
    await writeLlamaModel(file, { ...tiny, chatTemplate: false, poolingType });
    await withModel(file, async (model) => {
      assert.equal((model.fileInfo.metadata.llama as { pooling_type?: number } | undefined)?.pooling_type, poolingType === 'mean' ? 1 : 3);
      const context = await model.createEmbeddingContext({ contextSize: 128 });
      const { vector } = await context.getEmbeddingFor('hello world');
      assert.equal(vector.length, tiny.nEmbd);
      vectors.push([...vector]);
      await context.dispose();
    });
  }
  // The key is read for the llama architecture: mean and last pooling give different vectors.
  assert.notDeepEqual(vectors[0], vectors[1]);
});
