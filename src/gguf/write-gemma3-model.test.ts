import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  GemmaChatWrapper, getLlama, JinjaTemplateChatWrapper, LlamaChat, resolveChatWrapper,
  type Llama, type LlamaModel, type Token,
} from 'node-llama-cpp';
import { GEMMA3_CHAT_TEMPLATE } from './gemma3-chat-template.js';
import { GEMMA3_MODEL_PRESETS, type Gemma3ModelOptions } from './gemma3-model-options.js';
import { END_OF_IMAGE, END_OF_TURN, START_OF_IMAGE } from './gemma-tokenizer-vocab.js';
import { GgmlType } from './ggml-type.js';
import { readGgufHeader } from './read-gguf-header.js';
import { GEMMA3_GENERATOR_VERSION, writeGemma3Model, type Gemma3ModelWriteResult } from './write-gemma3-model.js';

const tiny = GEMMA3_MODEL_PRESETS.tiny;
let dir: string;
let llama: Llama;
let written: Gemma3ModelWriteResult;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gemma3-model-'));
  written = await writeGemma3Model(path.join(dir, 'tiny.gguf'), tiny);
  llama = await getLlama({ gpu: false, build: 'never' });
});
after(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function withModel<T>(use: (model: LlamaModel) => Promise<T>): Promise<T> {
  const model = await llama.loadModel({ modelPath: written.path });
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

test('the same options give a byte-identical file, pinned: a change here must bump GEMMA3_GENERATOR_VERSION', async () => {
  const again = path.join(dir, 'again.gguf');
  await writeGemma3Model(again, tiny);
  assert.equal(await sha256(again), await sha256(written.path));
  await writeGemma3Model(again, { ...tiny, seed: 2 });
  assert.notEqual(await sha256(again), await sha256(written.path));
  // Caches trust files stamped with the generator version and options (test/fixtures).
  assert.equal(GEMMA3_GENERATOR_VERSION, 1);
  assert.equal(await sha256(written.path), '3f3ce56e3c9564cc5e974e889a04db0d5ef5d8bf66251bd86b5d4b78486619bd');
});

test("tensors have the names and shapes of llama.cpp's gemma3 loader, and no separate output", async () => {
  const file = await open(written.path);
  const header = await readGgufHeader(file, written.bytes);
  await file.close();
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const expect: [string, number[]][] = [
    ['token_embd.weight', [128, written.vocabSize]],
    ['blk.0.attn_norm.weight', [128]],
    ['blk.0.attn_q.weight', [128, 128]], // 4 heads of 32
    ['blk.0.attn_k.weight', [128, 32]], // 1 KV head
    ['blk.0.attn_v.weight', [128, 32]],
    ['blk.0.attn_q_norm.weight', [32]],
    ['blk.0.attn_k_norm.weight', [32]],
    ['blk.0.attn_output.weight', [128, 128]],
    ['blk.1.post_attention_norm.weight', [128]],
    ['blk.1.ffn_norm.weight', [128]],
    ['blk.1.ffn_gate.weight', [128, 512]],
    ['blk.1.ffn_up.weight', [128, 512]],
    ['blk.1.ffn_down.weight', [512, 128]],
    ['blk.1.post_ffw_norm.weight', [128]],
    ['output_norm.weight', [128]],
  ];
  for (const [name, dims] of expect) {
    assert.deepEqual(byName.get(name)?.dims, dims, name);
    assert.equal(byName.get(name)?.type, GgmlType.F32, name);
  }
  assert.equal(byName.has('output.weight'), false, 'tied to token_embd');
  assert.equal(header.tensors.length, 2 + 2 * 13);
  const m = header.metadata;
  assert.equal(m['general.architecture'], 'gemma3');
  assert.equal(m['gemma3.embedding_length'], 128);
  assert.equal(m['gemma3.attention.key_length'], 32);
  assert.equal(m['gemma3.attention.sliding_window'], 512);
  assert.equal(m['gemma3.attention.sliding_window_pattern'], 2);
  assert.equal(m['tokenizer.ggml.eot_token_id'], written.endOfTurnTokenId);
  assert.equal(m['tokenizer.ggml.add_space_prefix'], false);
  assert.equal(m['tokenizer.chat_template'], GEMMA3_CHAT_TEMPLATE);
  assert.equal(written.parameterCount, 128 * written.vocabSize + 128 + 2 * (
    4 * 128 + 2 * 32 + 2 * 128 * 128 + 2 * 128 * 32 + 3 * 128 * 512));
});

test('the template is Gemma 3\'s: turns in <start_of_turn>, the system prompt folded into the first user turn', () => {
  const wrapper = new JinjaTemplateChatWrapper({ template: GEMMA3_CHAT_TEMPLATE });
  const { contextText } = wrapper.generateContextState({
    chatHistory: [{ type: 'system', text: 'Be brief.' }, { type: 'user', text: 'Hello' }, { type: 'model', response: [] }],
  });
  assert.equal(contextText.toString(), 'BOS<start_of_turn>user\nBe brief.\n\nHello<end_of_turn>\n<start_of_turn>model\n');
});

test('loads in node-llama-cpp with Gemma\'s special tokens: image delimiters are single control tokens', async () => {
  await withModel(async (model) => {
    assert.equal(model.fileInfo.metadata.general.architecture, 'gemma3');
    assert.deepEqual(model.tokenize(`${START_OF_IMAGE}${END_OF_IMAGE}`, true), [written.startOfImageTokenId, written.endOfImageTokenId]);
    assert.ok(model.tokenize(START_OF_IMAGE, false).length > 1, 'not parsed from plain text');
    assert.equal(model.tokens.bos, 2);
    assert.equal(model.tokens.eos, written.eosTokenId);
    assert.ok(model.isEogToken(written.endOfTurnTokenId as Token), '<end_of_turn> ends generation');
    assert.deepEqual(model.tokenize(END_OF_TURN, true), [written.endOfTurnTokenId]);
  });
});

test('chats through the Gemma chat wrapper, within maxTokens, and stops at <end_of_turn>', async () => {
  await withModel(async (model) => {
    const wrapper = resolveChatWrapper(model);
    assert.ok(wrapper instanceof GemmaChatWrapper, wrapper.constructor.name);
    // One thread: node-llama-cpp's default oversubscribes small machines badly.
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper });
    const history = [{ type: 'user', text: 'Hello' }] as const;
    const limited = await chat.generateResponse([...history], { maxTokens: 6 });
    assert.equal(limited.metadata.stopReason, 'maxTokens');
    assert.ok(limited.response.length > 0);
    // A grammar that completes after two words leaves the sampler only end-of-generation tokens.
    const grammar = await llama.createGrammar({ grammar: 'root ::= "Hello world"' });
    const ended = await chat.generateResponse([...history], { maxTokens: 20, grammar });
    assert.equal(ended.response, 'Hello world');
    assert.equal(ended.metadata.stopReason, 'eogToken');
    await context.dispose();
  });
});

test('Q8_0 and F16 variants and a model without sliding-window attention load and generate', async () => {
  const variants: Partial<Gemma3ModelOptions>[] = [{ quantization: 'q8_0' }, { quantization: 'f16' }, { slidingWindow: 0 }];
  for (const variant of variants) {
    const file = path.join(dir, 'variant.gguf');
    await writeGemma3Model(file, { ...tiny, ...variant, vocab: { vocabSize: 1000 } });
    const model = await llama.loadModel({ modelPath: file });
    const context = await model.createContext({ contextSize: 128, threads: 1 });
    const chat = new LlamaChat({ contextSequence: context.getSequence() });
    const result = await chat.generateResponse([{ type: 'user', text: 'Hi' }], { maxTokens: 3 });
    assert.equal(result.metadata.stopReason, 'maxTokens', JSON.stringify(variant));
    await context.dispose();
    await model.dispose();
  }
});

test('impossible shapes are refused before anything is written', async () => {
  const bad: Partial<Gemma3ModelOptions>[] = [
    { headDim: 31 },
    { nHeadKv: 3 },
    { slidingWindow: -1 },
    { slidingWindowPattern: 0 },
    { quantization: 'q8_0', nFf: 100 },
    { nLayer: 0 },
  ];
  for (const override of bad) {
    await assert.rejects(writeGemma3Model(path.join(dir, 'bad.gguf'), { ...tiny, ...override }), RangeError, JSON.stringify(override));
  }
});
