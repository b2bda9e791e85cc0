/**
 * The embedded llama.cpp engine behind the real server, driven by `@google/genai`, on every
 * test model (`test/fixtures/test-models.ts`: a generated tiny ChatML model, plus
 * ../shared/models/stories260K.gguf when present). Tiny models and few tokens keep it fast.
 *
 * Real models are not predictable word by word, so the checks are the contract's invariants:
 * usage arithmetic, countTokens == promptTokenCount, exact MAX_TOKENS counts, stop sequences
 * never in the output, stream == unary under greedy decoding, concurrency.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateContentResponse } from '@google/genai';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import type { Engine } from '../../src/core/engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai } from './helpers/clients.js';
import { testModels, type TestModel } from '../fixtures/test-models.js';

/** The fixture throws when ../shared/models exists but a file is damaged: that must fail loudly, not skip. */
const models: TestModel[] = await testModels();

const CONTEXT = 512;
const GREEDY = { temperature: 0, seed: 1 } as const;

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of stream) out.push(c);
  return out;
}
const joined = (chunks: GenerateContentResponse[]) => chunks.map((c) => c.text ?? '').join('');

for (const tm of models) {
  describe(`llama-cpp engine with ${tm.name} (contract, @google/genai)`, () => {
    let engine: Engine;
    let server: TestServer;
    before(async () => {
      engine = await createLlamaCppEngine({ modelPath: tm.path, parallel: 2, threads: 1, contextSize: CONTEXT });
      server = await startServer({ bindings: [{ id: 'gemini-2.0-flash', engine }, { id: tm.name, engine }] });
    });
    after(async () => {
      await server?.close();
      await engine?.dispose();
    });

    for (const model of ['gemini-2.0-flash', tm.name]) {
      it(`generateContent on ${model}: non-empty text, usage adds up, countTokens == promptTokenCount`, async () => {
        const ai = genai(server.baseUrl);
        const r = await ai.models.generateContent({ model, contents: 'Once upon a time', config: { ...GREEDY, maxOutputTokens: 12 } });
        assert.ok((r.text ?? '').length > 0, `empty text: ${JSON.stringify(r.candidates)}`);
        const u = r.usageMetadata!;
        assert.ok(u.promptTokenCount! > 0);
        assert.ok(u.candidatesTokenCount! > 0 && u.candidatesTokenCount! <= 12, `candidatesTokenCount ${u.candidatesTokenCount}`);
        assert.equal(u.totalTokenCount, u.promptTokenCount! + u.candidatesTokenCount!);
        assert.ok(['STOP', 'MAX_TOKENS'].includes(r.candidates?.[0].finishReason ?? ''), `finishReason ${r.candidates?.[0].finishReason}`);
        const counted = await ai.models.countTokens({ model, contents: 'Once upon a time' });
        assert.equal(counted.totalTokens, u.promptTokenCount);
      });
    }

    it('the local model is listed under its own name with the context window, less the first output token, as its limit', async () => {
      const m = await genai(server.baseUrl).models.get({ model: tm.name });
      assert.equal(m.name, `models/${tm.name}`);
      // What the engine takes as a prompt: its context, less room for the first generated token.
      assert.equal(m.inputTokenLimit, CONTEXT - 2);
    });

    it('context honesty: gemini-2.0-flash reports the limit its engine takes, and a prompt over it gets Google\'s 400 naming that limit', async () => {
      const ai = genai(server.baseUrl);
      const limit = (await ai.models.get({ model: 'gemini-2.0-flash' })).inputTokenLimit!;
      assert.equal(limit, CONTEXT - 2);
      const long = 'Once upon a time there was a little girl who loved to play outside. '.repeat(60);
      const counted = (await ai.models.countTokens({ model: 'gemini-2.0-flash', contents: long })).totalTokens!;
      assert.ok(counted > limit, `the prompt (${counted} tokens) must exceed the limit (${limit})`);
      const e = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: long }).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof Error, 'refused');
      assert.equal((e as { status?: number }).status, 400);
      assert.match(e.message, new RegExp(`The input token count \\(${counted}\\) exceeds the maximum number of tokens allowed \\(${limit}\\)\\.`));
    });

    it('a stream concatenates to the unary text under greedy decoding; finishReason on the last chunk', async () => {
      const ai = genai(server.baseUrl);
      const config = { ...GREEDY, maxOutputTokens: 12 };
      const unary = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Once upon a time', config });
      const chunks = await collect(await ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Once upon a time', config }));
      assert.ok(chunks.length >= 1);
      assert.equal(joined(chunks), unary.text);
      for (const c of chunks.slice(0, -1)) assert.equal(c.candidates?.[0]?.finishReason, undefined);
      const last = chunks.at(-1)!;
      assert.equal(last.candidates?.[0]?.finishReason, unary.candidates?.[0].finishReason);
      assert.equal(last.usageMetadata?.candidatesTokenCount, unary.usageMetadata?.candidatesTokenCount);
      assert.equal(last.usageMetadata?.totalTokenCount, unary.usageMetadata?.totalTokenCount);
    });

    it('maxOutputTokens 5 ends with MAX_TOKENS and exactly 5 candidate tokens', async () => {
      const r = await genai(server.baseUrl).models.generateContent({
        model: 'gemini-2.0-flash', contents: 'Once upon a time', config: { ...GREEDY, maxOutputTokens: 5 },
      });
      assert.equal(r.candidates?.[0].finishReason, 'MAX_TOKENS');
      assert.equal(r.usageMetadata?.candidatesTokenCount, 5);
      assert.ok((r.candidates?.[0].content?.parts?.length ?? 0) > 0, 'MAX_TOKENS answer without parts');
    });

    it('a stop sequence is honoured: it never appears in the output', async () => {
      const ai = genai(server.baseUrl);
      const config = { ...GREEDY, maxOutputTokens: 24 };
      const full = (await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Once upon a time', config })).text ?? '';
      assert.ok(full.length >= 4, `too little text to pick a stop from: ${JSON.stringify(full)}`);
      const words = full.split(' ');
      const stop = words.length >= 4 && words[2] ? ` ${words[2]}` : full.slice(Math.floor(full.length / 2), Math.floor(full.length / 2) + 2);
      const r = await ai.models.generateContent({
        model: 'gemini-2.0-flash', contents: 'Once upon a time', config: { ...config, stopSequences: [stop] },
      });
      const text = r.text ?? '';
      assert.ok(!text.includes(stop), `stop ${JSON.stringify(stop)} in ${JSON.stringify(text)}`);
      assert.equal(r.candidates?.[0].finishReason, 'STOP');
      assert.ok(full.startsWith(text), `greedy output with a stop is not a prefix: ${JSON.stringify(text)} vs ${JSON.stringify(full)}`);
      // The same through a stream: the stop text must not leak across chunk boundaries either.
      const streamed = joined(await collect(await ai.models.generateContentStream({
        model: 'gemini-2.0-flash', contents: 'Once upon a time', config: { ...config, stopSequences: [stop] },
      })));
      assert.ok(!streamed.includes(stop), `stop ${JSON.stringify(stop)} in streamed ${JSON.stringify(streamed)}`);
    });

    it('two concurrent streams both complete', async () => {
      const ai = genai(server.baseUrl);
      const run = (contents: string) => ai.models.generateContentStream({
        model: 'gemini-2.0-flash', contents, config: { ...GREEDY, maxOutputTokens: 8 },
      }).then(collect);
      const [a, b] = await Promise.all([run('Once upon a time'), run('The little dog')]);
      for (const chunks of [a, b]) {
        const last = chunks.at(-1)!;
        assert.ok(['STOP', 'MAX_TOKENS'].includes(last.candidates?.[0]?.finishReason ?? ''), `finishReason ${last.candidates?.[0]?.finishReason}`);
        const cands = last.usageMetadata?.candidatesTokenCount ?? 0;
        assert.ok(cands > 0 && cands <= 8, `candidatesTokenCount ${cands}`);
      }
    });

    it('a chat with a systemInstruction works and carries its history', { skip: !tm.hasChatTemplate && 'no chat template' }, async () => {
      const ai = genai(server.baseUrl);
      const plain = await ai.models.generateContent({ model: tm.name, contents: 'Hi', config: { ...GREEDY, maxOutputTokens: 4 } });
      const chat = ai.chats.create({ model: tm.name, config: { ...GREEDY, maxOutputTokens: 6, systemInstruction: 'You are a terse assistant.' } });
      const first = await chat.sendMessage({ message: 'Hi' });
      const second = await chat.sendMessage({ message: 'Tell me more' });
      for (const r of [first, second]) {
        assert.ok(['STOP', 'MAX_TOKENS'].includes(r.candidates?.[0].finishReason ?? ''), `finishReason ${r.candidates?.[0].finishReason}`);
        assert.equal(r.usageMetadata?.totalTokenCount, (r.usageMetadata?.promptTokenCount ?? 0) + (r.usageMetadata?.candidatesTokenCount ?? 0));
      }
      // The system instruction is part of the prompt, and the second turn carries the first.
      assert.ok(first.usageMetadata!.promptTokenCount! > plain.usageMetadata!.promptTokenCount!, 'systemInstruction did not reach the prompt');
      assert.ok(
        second.usageMetadata!.promptTokenCount! > first.usageMetadata!.promptTokenCount! + (first.usageMetadata!.candidatesTokenCount ?? 0),
        'the second turn does not carry the first',
      );
    });
  });
}
