import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QwenChatWrapper, type ChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import type { GenerateEvent, GenerateInput, ThinkingOptions } from '../../core/engine.js';
import { thinkingChatModel, tinyChatModel } from '../../../test/fixtures/test-models.js';
import { input } from '../../../test/fixtures/engine-test-inputs.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llama-cpp-engine.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { prefillThinkingReply } from './prefill-thinking-reply.js';
import { resolveChatWrapperFor } from './resolve-chat-wrapper.js';
import { prepareThinkingChatWrapper } from './thinking-chat-wrapper.js';

const thinkingModel = await thinkingChatModel();

async function events(engine: LlamaCppEngine, inp: GenerateInput): Promise<GenerateEvent[]> {
  const out: GenerateEvent[] = [];
  for await (const e of engine.stream(inp)) out.push(e);
  return out;
}
const withThinking = (max: number, thinking?: ThinkingOptions): GenerateInput =>
  ({ ...input({ max }), ...(thinking ? { thinking } : {}) });
const deltas = (evs: GenerateEvent[]) => evs.filter((e) => e.type === 'text-delta');
const sum = (evs: GenerateEvent[]) => evs.reduce((n, e) => n + (e.type === 'text-delta' ? e.tokens : 0), 0);

describe('LlamaCppEngine thinking on tiny-qwen3 (Qwen3 template)', { timeout: 180_000 }, () => {
  let engine: LlamaCppEngine;
  before(async () => { engine = await createLlamaCppEngine({ modelPath: thinkingModel.path, contextSize: 512, parallel: 1 }); });
  after(async () => { await engine?.dispose(); });

  it('resolves the template (a llama-architecture file is never QwenChatWrapper) and can think', () => {
    assert.equal(engine.chatWrapperName, 'JinjaTemplate');
    assert.equal(engine.capabilities.thinking, true);
  });

  it('with budget 16: exactly 16 thought tokens first, then the answer; all count against maxOutputTokens', async () => {
    const evs = await events(engine, withThinking(64, { budget: 16 }));
    const ds = deltas(evs);
    const firstAnswer = ds.findIndex((d) => !d.thought);
    assert.ok(firstAnswer > 0, 'thoughts come first');
    assert.ok(ds.slice(firstAnswer).every((d) => !d.thought), 'nothing thought after the answer starts');
    // The random weights never write `</think>`: LlamaChat closes the thought on the budget.
    assert.equal(sum(ds.filter((d) => d.thought)), 16);
    assert.ok(ds.slice(firstAnswer).some((d) => d.text.length > 0), 'the answer has text');
    assert.deepEqual(evs.at(-1), { type: 'finish', candidate: 0, reason: 'max-tokens' });
    // LlamaChat may finish a character split over two tokens past maxTokens (measured here: 65
    // tokens for 64, with or without thinking); never fewer.
    assert.ok(sum(ds) >= 64 && sum(ds) <= 65, `${sum(ds)} tokens`);
  });

  it("with a dynamic budget the thought runs until the model closes it (this one never does)", async () => {
    const ds = deltas(await events(engine, withThinking(32, { budget: 'dynamic' })));
    assert.ok(ds.length > 0 && ds.every((d) => d.thought));
    assert.ok(sum(ds) >= 32);
  });

  it('without thinking: no thoughts, and the prompt equals countTokens', async () => {
    const evs = await events(engine, withThinking(24));
    assert.equal(deltas(evs).filter((d) => d.thought).length, 0);
    assert.ok(sum(evs) >= 24);
    const counted = await engine.countTokens({ messages: input().messages });
    assert.deepEqual(evs[0], { type: 'prompt', promptTokens: counted.total });
  });

  it('budget 0 is the same as no thinking, token for token', async () => {
    const none = await events(engine, withThinking(24));
    const zero = await events(engine, withThinking(24, { budget: 0 }));
    assert.deepEqual(zero, none);
  });

  it('with a responseFormat it answers without thinking (the grammar would constrain the thought)', async () => {
    const evs = await events(engine, { ...withThinking(16, { budget: 8 }), responseFormat: { type: 'enum', values: ['yes', 'no'] } });
    const ds = deltas(evs);
    assert.equal(ds.filter((d) => d.thought).length, 0);
    assert.ok(['yes', 'no'].includes(ds.map((d) => d.text).join('')));
    const counted = await engine.countTokens({ messages: input().messages });
    assert.deepEqual(evs[0], { type: 'prompt', promptTokens: counted.total });
  });

  it("a thinking request's prompt ends in an open thought instead of a closed one: fewer tokens", async () => {
    const evs = await events(engine, withThinking(4, { budget: 2 }));
    const counted = await engine.countTokens({ messages: input().messages });
    assert.equal(evs[0]?.type, 'prompt');
    assert.ok(evs[0]?.type === 'prompt' && evs[0].promptTokens < counted.total);
  });
});

describe('the thinking prefill renders what the Qwen3 template renders', () => {
  let loaded: LoadedLlamaModel;
  let jinja: ChatWrapper; // resolving compares the template with every built-in wrapper: seconds
  before(async () => {
    loaded = await loadLlamaModel(thinkingModel.path);
    jinja = prepareThinkingChatWrapper(resolveChatWrapperFor(loaded.model));
  });
  after(async () => { await loaded?.dispose(); });

  const history: ChatHistoryItem[] = [
    { type: 'user', text: 'Hi' }, { type: 'model', response: ['Hello'] }, { type: 'user', text: 'Again' },
  ];
  const turns = '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nAgain<|im_end|>\n';
  const render = (w: ChatWrapper, h: ChatHistoryItem[]) => w.generateContextState({ chatHistory: h }).contextText.toString();
  const cases: Array<[string, () => ChatWrapper]> = [
    ['the resolved Jinja wrapper', () => jinja],
    ['QwenChatWrapper (what a qwen3-architecture GGUF resolves to)', () => prepareThinkingChatWrapper(new QwenChatWrapper())],
  ];
  for (const [name, make] of cases) {
    it(`${name}: enable_thinking=false's empty thought; an open one when thinking; a closed one after`, () => {
      const w = make();
      // Qwen3 template, add_generation_prompt and enable_thinking=false:
      assert.equal(render(w, prefillThinkingReply(w, history).promptHistory), `${turns}<|im_start|>assistant\n<think>\n\n</think>\n\n`);
      // enable_thinking unset, plus the `<think>\n` the model would write:
      const thinking = prefillThinkingReply(w, history, { budget: 8 });
      assert.equal(render(w, thinking.promptHistory), `${turns}<|im_start|>assistant\n<think>\n`);
      assert.deepEqual(thinking.budgets, { thoughtTokens: 8 });
      assert.deepEqual(prefillThinkingReply(w, history, { budget: 'dynamic' }).budgets, { thoughtTokens: Infinity });
      assert.deepEqual(prefillThinkingReply(w, history, { budget: 0 }).budgets, { thoughtTokens: 0 });
    });
  }

  it('after a budget closes it, the Jinja wrapper renders the thought as the template does (reasoning_content)', () => {
    const w = jinja;
    const closed: ChatHistoryItem[] = [...history, { type: 'model', response: [{ type: 'segment', segmentType: 'thought', text: 'hmm', ended: true }, 'Ans'] }];
    assert.equal(render(w, closed), `${turns}<|im_start|>assistant\n<think>\nhmm\n</think>\n\nAns`);
  });
});

describe('LlamaCppEngine on tiny-chat (ChatML, no thought format)', { timeout: 60_000 }, () => {
  it('cannot think, and ignores a thinking request', async () => {
    const engine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, contextSize: 512, parallel: 1 });
    try {
      assert.equal(engine.capabilities.thinking, false);
      const ds = deltas(await events(engine, withThinking(8, { budget: 4 })));
      assert.equal(ds.filter((d) => d.thought).length, 0);
    } finally {
      await engine.dispose();
    }
  });
});
