/**
 * Thinking on real weights through `@google/genai`: the embedded engine on the generated tiny
 * model with Qwen3's chat template (a `<think>` format), bound to gemini-2.5-flash, which
 * thinks by default as Gemini's does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serveLlamaCppForSuite } from './helpers/serve-llama-cpp.js';
import { genai, postJson } from './helpers/clients.js';
import { thinkingChatModel } from '../fixtures/test-models.js';

const MODEL = 'gemini-2.5-flash';

describe('thinking on the llama-cpp engine (contract, @google/genai)', () => {
  const served = serveLlamaCppForSuite({ id: MODEL, model: thinkingChatModel, contextSize: 1024 });

  it('a budget of N: N thought tokens, separated as thought parts, counted apart', async () => {
    const ai = genai(served.server.baseUrl);
    const r = await ai.models.generateContent({
      model: MODEL, contents: 'Why is the sky blue?',
      config: { maxOutputTokens: 48, seed: 1, thinkingConfig: { thinkingBudget: 12, includeThoughts: true } },
    });
    const parts = r.candidates![0].content!.parts!;
    assert.ok(parts[0].thought, 'the thought comes first');
    const u = r.usageMetadata!;
    assert.equal(u.thoughtsTokenCount, 12);
    assert.equal(u.totalTokenCount, u.promptTokenCount! + (u.candidatesTokenCount ?? 0) + 12);
    assert.ok(!r.text?.includes('<think>'));

    const hidden = await ai.models.generateContent({
      model: MODEL, contents: 'Why is the sky blue?', config: { maxOutputTokens: 48, seed: 1, thinkingConfig: { thinkingBudget: 12 } },
    });
    assert.ok(hidden.candidates![0].content!.parts!.every((p) => !p.thought));
    assert.equal(hidden.usageMetadata?.thoughtsTokenCount, 12);

    const off = await ai.models.generateContent({
      model: MODEL, contents: 'Why is the sky blue?', config: { maxOutputTokens: 16, thinkingConfig: { thinkingBudget: 0 } },
    });
    assert.equal(off.usageMetadata?.thoughtsTokenCount, undefined);
    // countTokens counts the form the generation evaluates: the default (thinking) or the one asked for.
    const counted = await ai.models.countTokens({ model: MODEL, contents: 'Why is the sky blue?' });
    assert.equal(counted.totalTokens, r.usageMetadata?.promptTokenCount, 'by default a 2.5 model thinks, and countTokens counts that prompt');
    // The SDK sends generationConfig with countTokens only on Vertex; the REST form takes it.
    const res = await postJson(`${served.server.baseUrl}/v1beta/models/${MODEL}:countTokens?key=k`, {
      generateContentRequest: { model: `models/${MODEL}`, contents: [{ role: 'user', parts: [{ text: 'Why is the sky blue?' }] }], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
    });
    assert.equal(((await res.json()) as { totalTokens: number }).totalTokens, off.usageMetadata?.promptTokenCount);
  });
});
