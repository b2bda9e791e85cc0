/**
 * Thinking never breaks a client (issue 13): every `thinkingConfig` Google accepts for the named
 * model is accepted whatever the weights, through `@google/genai` against the fake engine, with
 * weights that think and with weights that cannot (answered without thoughts and without
 * `thoughtsTokenCount`, as Google omits it when nothing was thought). gemini-cli 0.61 sends
 * `thinkingConfig: {includeThoughts: true}` on every turn, plus `thinkingLevel: "HIGH"` on
 * `gemini-3*` names (google-gemini/gemini-cli packages/core/src/config/defaultModelConfigs.ts).
 * What Google refuses stays refused, in Google's words (src/convert/convert-to-thinking-options.ts).
 * The same configs on real weights that cannot think: llama-cpp-thinking-configs.contract.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { genai, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const NAMES = ['gemini-2.0-flash', 'gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3.1-pro-preview', 'gemini-3.8-flash', 'gemini-3-flash-preview'];

/** gemini-cli 0.61's generationConfig for a chat turn on `model`. */
function geminiCliConfig(model: string): GenerateContentConfig {
  return {
    temperature: 1, topP: 0.95, topK: 64,
    thinkingConfig: { includeThoughts: true, ...(model.startsWith('gemini-3') ? { thinkingLevel: 'HIGH' as never } : {}) },
  };
}

async function streamed(ai: ReturnType<typeof genai>, model: string, config: GenerateContentConfig): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of await ai.models.generateContentStream({ model, contents: 'Why is the sky blue?', config })) out.push(c);
  return out;
}
const partsOf = (chunks: GenerateContentResponse[]) => chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []);

describe('thinking configs Google accepts, on weights that think and weights that cannot (contract, @google/genai)', () => {
  /** The same names on weights that think, and on weights that cannot. */
  let server: TestServer;
  let plainServer: TestServer;
  const thinker = new FakeEngine({ label: 'thinks' });
  const plain = Object.assign(new FakeEngine({ label: 'cannot-think' }), { capabilities: { ...thinker.capabilities, thinking: false } });
  before(async () => {
    server = await startServer({ bindings: NAMES.map((id) => ({ id, engine: thinker })) });
    plainServer = await startServer({ bindings: NAMES.map((id) => ({ id, engine: plain })) });
  });
  after(async () => {
    await server?.close();
    await plainServer?.close();
  });

  it('gemini-cli\'s exact configs: 200 on every name; thoughts where the weights think, none (and no thoughtsTokenCount) where they cannot', async () => {
    const ai = genai(server.baseUrl);
    const noThoughts = genai(plainServer.baseUrl);
    for (const model of NAMES) {
      const chunks = await streamed(noThoughts, model, geminiCliConfig(model));
      assert.equal(chunks.at(-1)?.candidates?.[0].finishReason, 'STOP', model);
      assert.ok(partsOf(chunks).every((p) => !p.thought), `${model}: no thoughts from weights that cannot think`);
      assert.ok(chunks.every((c) => c.usageMetadata?.thoughtsTokenCount === undefined), `${model}: no thoughtsTokenCount`);
      assert.ok(chunks.map((c) => c.text ?? '').join('').length > 0, model);

      const thought = await streamed(ai, model, geminiCliConfig(model));
      const thinks = model !== 'gemini-2.0-flash';
      assert.equal(partsOf(thought).some((p) => p.thought), thinks, `${model}: thought parts`);
      assert.equal((thought.at(-1)?.usageMetadata?.thoughtsTokenCount ?? 0) > 0, thinks, `${model}: thoughtsTokenCount`);
    }
  });

  it('thinkingBudget 50 on 2.5 Flash (Google answered it 200): 50 thought tokens at most, or none on weights that cannot think', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Why?', config: { thinkingConfig: { thinkingBudget: 50 } } });
    assert.ok((r.usageMetadata?.thoughtsTokenCount ?? 0) > 0 && r.usageMetadata!.thoughtsTokenCount! <= 50);
    const p = await genai(plainServer.baseUrl).models.generateContent({ model: 'gemini-2.5-flash', contents: 'Why?', config: { thinkingConfig: { thinkingBudget: 50, includeThoughts: true } } });
    assert.equal(p.usageMetadata?.thoughtsTokenCount, undefined);
    assert.ok(p.candidates![0].content!.parts!.every((part) => !part.thought));
  });

  it('Gemini 3 levels in any case map to budgets; a level the model does not take is Google\'s 400', async () => {
    const ai = genai(server.baseUrl);
    const thoughts = async (model: string, level: string, client = ai) => (await client.models.generateContent({
      model, contents: 'Why?', config: { maxOutputTokens: 4096, thinkingConfig: { thinkingLevel: level as never } },
    })).usageMetadata?.thoughtsTokenCount;
    assert.equal(await thoughts('gemini-3-flash-preview', 'minimal'), 128);
    assert.equal(await thoughts('gemini-3-flash-preview', 'Low'), 1024);
    assert.equal(await thoughts('gemini-3.1-pro-preview', 'LOW'), 1024);
    assert.equal(await thoughts('gemini-3.1-pro-preview', 'high'), 8, 'HIGH is dynamic (the fake engine thinks 8 words)');
    assert.equal(await thoughts('gemini-3.8-flash', 'MEDIUM', genai(plainServer.baseUrl)), undefined);
    const { body } = await sdkError(genai(plainServer.baseUrl).models.generateContent({ model: 'gemini-3.1-pro-preview', contents: 'x', config: { thinkingConfig: { thinkingLevel: 'MINIMAL' as never } } }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, 'Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.');
  });

  it('what Google refuses stays refused, whatever the weights, in Google\'s words', async () => {
    for (const s of [server, plainServer]) {
      const ai = genai(s.baseUrl);
      const refused = async (model: string, thinkingConfig: object) =>
        (await sdkError(ai.models.generateContent({ model, contents: 'x', config: { thinkingConfig } }), 400, 'INVALID_ARGUMENT')).body.error.message;
      assert.equal(await refused('gemini-3.1-pro-preview', { thinkingBudget: 1024, thinkingLevel: 'HIGH' }),
        'You can only set only one of thinking budget and thinking level.');
      assert.equal(await refused('gemini-3.1-pro-preview', { thinkingBudget: 0 }), 'Budget 0 is invalid. This model only works in thinking mode.');
      assert.equal(await refused('gemini-2.5-pro', { thinkingBudget: 0 }), 'Budget 0 is invalid. This model only works in thinking mode.');
      assert.equal(await refused('gemini-2.5-flash', { thinkingLevel: 'LOW' }), 'Thinking level is not supported for this model.');
      assert.equal(await refused('gemini-2.5-flash', { thinkingBudget: 30_000 }), 'The thinking budget (30000) is invalid.');
      assert.equal(await refused('gemini-2.0-flash', { thinkingBudget: 1024 }), 'Thinking is not supported for this model.');
    }
  });
});
