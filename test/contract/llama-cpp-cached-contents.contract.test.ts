/**
 * Context caching on the embedded llama.cpp engine (the generated tiny ChatML model), driven by
 * @google/genai: under greedy decoding a request naming a cache answers exactly what the same
 * request with the cache's parts written out answers (the engine may reuse its evaluated
 * prefix, never change the output), unary and streamed, and reports `cachedContentTokenCount`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../../src/core/engine.js';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import { tinyChatModel } from '../fixtures/test-models.js';
import { genai } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const GREEDY = { temperature: 0, seed: 1, maxOutputTokens: 16 } as const;
const SYSTEM = 'You are a helpful assistant that answers from the story.';
const CONTENTS = [
  { role: 'user', parts: [{ text: 'Once upon a time a little fox lived in a green forest near a river with her three brothers.' }] },
  { role: 'model', parts: [{ text: 'I will remember the story of the fox.' }] },
];

describe('cachedContents on the llama-cpp engine (contract, tiny-chat)', () => {
  let engine: Engine;
  let server: TestServer;
  before(async () => {
    engine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, parallel: 2, threads: 1, contextSize: 512 });
    server = await startServer({
      bindings: [{ id: MODEL, engine }],
      cachedContents: { store: new MemoryCachedContentStore(), minTokens: 0 },
    });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
  });

  it('output with the cache equals output without it; usage reports the cached tokens', async () => {
    const ai = genai(server.baseUrl);
    const cache = await ai.caches.create({ model: MODEL, config: { systemInstruction: SYSTEM, contents: CONTENTS, ttl: '600s' } });
    const total = cache.usageMetadata?.totalTokenCount ?? 0;
    assert.ok(total > 0);
    const counted = await ai.models.countTokens({ model: MODEL, contents: CONTENTS });
    assert.ok(total > counted.totalTokens!, 'the cache counts its system instruction too');

    for (const question of ['Where did the fox live?', 'How many brothers?']) {
      const plain = await ai.models.generateContent({
        model: MODEL, contents: [...CONTENTS, { role: 'user', parts: [{ text: question }] }], config: { ...GREEDY, systemInstruction: SYSTEM },
      });
      // Twice with the cache: the second may take the engine's kept prefix.
      for (let i = 0; i < 2; i++) {
        const cached = await ai.models.generateContent({ model: MODEL, contents: question, config: { ...GREEDY, cachedContent: cache.name } });
        assert.equal(cached.text, plain.text, `${question} #${i}`);
        assert.equal(cached.usageMetadata?.promptTokenCount, plain.usageMetadata?.promptTokenCount);
        assert.equal(cached.usageMetadata?.candidatesTokenCount, plain.usageMetadata?.candidatesTokenCount);
        assert.equal(cached.usageMetadata?.cachedContentTokenCount, total);
        assert.ok(cached.usageMetadata!.promptTokenCount! > total);
      }
      let streamed = '';
      let last;
      for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: question, config: { ...GREEDY, cachedContent: cache.name } })) {
        streamed += c.text ?? '';
        last = c;
      }
      assert.equal(streamed, plain.text);
      assert.equal(last?.usageMetadata?.cachedContentTokenCount, total);
    }
    await ai.caches.delete({ name: cache.name! });
  });
});
