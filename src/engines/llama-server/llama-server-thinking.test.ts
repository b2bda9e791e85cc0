import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type ChatMessage, type GenerateEvent, type GenerateInput } from '../../core/engine.js';
import { defaultEngineCacheDir } from '../../config/settings.js';
import { thinkingChatModel } from '../../../test/fixtures/test-models.js';
import { decodingRequestFields, promptRequestFields } from './chat-request-fields.js';
import { convertToOpenAiMessages } from './convert-to-openai-messages.js';
import { findLlamaServerBinary } from './find-llama-server-binary.js';
import { createLlamaServerEngine, type LlamaServerEngine } from './llama-server-engine.js';
import { mapSamplingOptions } from './map-sampling-options.js';

const binary = await findLlamaServerBinary({ cacheDir: defaultEngineCacheDir(process.env) }).then((b) => b.path, () => undefined);
const skip = binary ? false : 'no llama-server binary: run `gemserve engine build` (or put llama-server on PATH) to run these tests';

const question: ChatMessage[] = [{ role: 'user', parts: [{ type: 'text', text: 'Why is the sky blue?' }] }];
const thinkInput = (thinking: GenerateInput['thinking'], seed: number, max = 60, over: Partial<GenerateInput> = {}): GenerateInput => ({
  messages: question, candidateCount: 1, signal: new AbortController().signal, ...(thinking ? { thinking } : {}),
  sampling: { maxOutputTokens: max, stopSequences: [], temperature: 1, seed }, ...over,
});

async function events(engine: LlamaServerEngine, inp: GenerateInput): Promise<GenerateEvent[]> {
  const out: GenerateEvent[] = [];
  for await (const ev of engine.stream(inp)) out.push(ev);
  return out;
}
const deltas = (evs: GenerateEvent[]) => evs.filter((e): e is Extract<GenerateEvent, { type: 'text-delta' }> => e.type === 'text-delta');

describe('LlamaServerEngine thinking (tiny random model with Qwen3\'s template)', { skip, timeout: 600_000 }, () => {
  let engine: LlamaServerEngine;
  before(async () => {
    engine = await createLlamaServerEngine({ modelPath: (await thinkingChatModel()).path, binary, contextSize: 1024, parallel: 1 });
  });
  after(async () => { await engine?.dispose(); });

  it('says the model can think, and that its template calls tools natively', () => {
    assert.equal(engine.capabilities.thinking, true);
    assert.deepEqual(engine.chatTraits, { tools: 'native', thinking: true });
  });

  it('a dynamic budget: the reply starts with thought deltas, counted apart from the answer', async () => {
    const evs = await events(engine, thinkInput({ budget: 'dynamic' }, 2));
    const ds = deltas(evs);
    assert.ok(ds[0]?.thought, 'the first delta is a thought');
    assert.ok(!ds[0].text.startsWith('\n'), 'the opening the engine prefilled is not echoed');
    const firstAnswer = ds.findIndex((d) => !d.thought);
    if (firstAnswer >= 0) assert.ok(ds.slice(firstAnswer).every((d) => !d.thought), 'no thought after the answer began');
    const r = await collectGeneration(engine.stream(thinkInput({ budget: 'dynamic' }, 2)));
    const c = r.candidates[0];
    assert.equal(c.thoughtTokens + c.tokens, ds.reduce((n, d) => n + d.tokens, 0));
    if (c.finishReason === 'max-tokens') assert.equal(c.thoughtTokens + c.tokens, 60);
  });

  it('a numeric budget N: at most N thought tokens, then the answer', async () => {
    for (const [budget, seed] of [[0, 1], [3, 2], [8, 3], [8, 4]] as const) {
      const c = (await collectGeneration(engine.stream(thinkInput({ budget }, seed)))).candidates[0];
      assert.ok(c.thoughtTokens <= budget, `budget ${budget}: ${c.thoughtTokens} thought tokens`);
      if (budget > 0) assert.ok(c.thoughtTokens > 0, `budget ${budget}: the model thought`);
      assert.ok(c.tokens > 0, `budget ${budget}: an answer followed`);
      const thoughtAt = c.parts.findIndex((p) => p.type === 'text' && p.thought);
      const answerAt = c.parts.findIndex((p) => p.type === 'text' && !p.thought);
      if (thoughtAt >= 0) assert.ok(thoughtAt < answerAt, 'thought before answer');
    }
  });

  it('without `thinking` the model does not think', async () => {
    const c = (await collectGeneration(engine.stream(thinkInput(undefined, 2, 30)))).candidates[0];
    assert.equal(c.thoughtTokens, 0);
    assert.ok(c.parts.every((p) => p.type !== 'text' || !p.thought));
  });

  it('the prompt count, with and without thinking, is what llama-server evaluates', async () => {
    for (const thinking of [undefined, { budget: 5 }] as const) {
      const inp = thinkInput(thinking, 1, 4);
      const evs = await events(engine, inp);
      const features = { thinking: inp.thinking };
      const body = {
        ...promptRequestFields(convertToOpenAiMessages(inp.messages, { tools: engine.chatTraits.tools }), engine.chatTraits, features),
        ...mapSamplingOptions(inp.sampling, 0, 4), ...decodingRequestFields(engine.chatTraits, features),
      };
      const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
      const usage = (await res.json() as { usage: { prompt_tokens: number } }).usage;
      assert.equal((evs[0] as { promptTokens: number }).promptTokens, usage.prompt_tokens);
    }
  });

  it('logprobs cover thoughts and answer alike', async () => {
    const c = (await collectGeneration(engine.stream(thinkInput({ budget: 4 }, 5, 20, { logprobs: { top: 2 } })))).candidates[0];
    assert.ok(c.logprobs && c.logprobs.length > 0);
    assert.ok(c.logprobs.length <= c.tokens + c.thoughtTokens);
    for (const lp of c.logprobs) assert.ok(lp.top.length <= 2 && Number.isInteger(lp.tokenId));
  });
});
