/**
 * Thinking never breaks a client, on real weights that cannot think (issue 13): the generated
 * tiny ChatML model (no thought format in its template) behind the embedded engine, bound to
 * Gemini names that think, answers every `thinkingConfig` Google accepts for them without
 * thoughts and without `thoughtsTokenCount`, as Google omits it when nothing was thought.
 * gemini-cli 0.61 sends `thinkingConfig: {includeThoughts: true}` on every turn, plus
 * `thinkingLevel: "HIGH"` on `gemini-3*` names.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import type { Engine } from '../../src/core/engine.js';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { tinyChatModel } from '../fixtures/test-models.js';
import { genai, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const NAMES = ['gemini-2.0-flash', 'gemini-2.5-flash', 'gemini-3.1-pro-preview', 'gemini-3.8-flash'];

describe('thinking configs on weights that cannot think: the llama-cpp engine on tiny-chat (contract, @google/genai)', () => {
  let engine: Engine;
  let server: TestServer;
  before(async () => {
    engine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, parallel: 1, threads: 1, contextSize: 512 });
    server = await startServer({ bindings: NAMES.map((id) => ({ id, engine })) });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
  });

  it('the weights cannot think', () => {
    assert.equal(engine.capabilities.thinking, false);
  });

  it('gemini-cli\'s exact configs, a 2.5 budget and Gemini 3 levels: answered, no thoughts, no thoughtsTokenCount', async () => {
    const ai = genai(server.baseUrl);
    const configs: Array<[string, GenerateContentConfig['thinkingConfig']]> = [
      ...NAMES.map((m): [string, GenerateContentConfig['thinkingConfig']] => [m, { includeThoughts: true, ...(m.startsWith('gemini-3') ? { thinkingLevel: 'HIGH' as never } : {}) }]),
      ['gemini-2.5-flash', { thinkingBudget: 50 }],
      ['gemini-2.5-flash', { thinkingBudget: -1, includeThoughts: true }],
      ['gemini-3.1-pro-preview', { thinkingLevel: 'low' as never }],
      ['gemini-3.8-flash', { thinkingLevel: 'Medium' as never, includeThoughts: true }],
      ['gemini-3.1-pro-preview', { thinkingBudget: 2048 }],
    ];
    for (const [model, thinkingConfig] of configs) {
      const chunks: GenerateContentResponse[] = [];
      for await (const c of await ai.models.generateContentStream({
        model, contents: 'Once upon a time', config: { temperature: 1, topP: 0.95, topK: 64, maxOutputTokens: 8, seed: 1, thinkingConfig },
      })) chunks.push(c);
      const what = `${model} ${JSON.stringify(thinkingConfig)}`;
      assert.ok(chunks.at(-1)?.candidates?.[0].finishReason, what);
      assert.ok(chunks.every((c) => (c.candidates?.[0].content?.parts ?? []).every((p) => !p.thought)), what);
      assert.ok(chunks.every((c) => c.usageMetadata?.thoughtsTokenCount === undefined), what);
    }
  });

  it('what Google refuses is still refused', async () => {
    const ai = genai(server.baseUrl);
    const { body } = await sdkError(ai.models.generateContent({
      model: 'gemini-3.1-pro-preview', contents: 'x', config: { thinkingConfig: { thinkingLevel: 'MINIMAL' as never } },
    }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, 'Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.');
  });
});
