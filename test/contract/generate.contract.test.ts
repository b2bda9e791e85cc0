/**
 * generateContent through both official SDKs, with a recording wrapper around the FakeEngine
 * so each test also checks what the server handed to the engine (the converted messages and
 * the validated, clamped sampling options).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleGenerativeAI } from '@google/generative-ai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { candidateText, genai, TEST_API_KEY } from './helpers/clients.js';
import {
  definedSampling, emittedText, emittedTokens, flatMessages, promptTokens, RecordingEngine,
} from './helpers/recording-engine.js';

const fake = new FakeEngine({ label: 'fake.gguf' });
const rec = new RecordingEngine(fake);
const MODEL = 'gemini-2.0-flash';

describe('generateContent (contract, @google/genai)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      bindings: ['gemini-2.0-flash', 'gemini-1.5-flash-002', 'gemini-2.5-flash'].map((id) => ({ id, engine: rec })),
    });
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());

  it('a string prompt becomes one user message; text, usage and ids come back', async () => {
    const r = await genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there' });
    const g = rec.last;
    assert.deepEqual(flatMessages(g), [{ role: 'user', text: 'Hello there' }]);
    assert.equal(g.input.candidateCount, 1);
    // Nothing set: the catalog fills in the model's output limit and no stops (engine.ts).
    assert.equal(g.input.sampling.maxOutputTokens, 8192);
    assert.deepEqual(g.input.sampling.stopSequences, []);

    const expectedText = emittedText(g);
    assert.ok(expectedText.length > 0);
    assert.equal(r.text, expectedText);
    assert.equal(r.candidates?.length, 1);
    const c = r.candidates![0];
    assert.equal(c.content?.role, 'model');
    assert.equal(c.finishReason, 'STOP');
    assert.equal(c.index ?? 0, 0);

    const u = r.usageMetadata!;
    assert.ok(u, 'usageMetadata missing');
    const expectedPrompt = (await fake.countTokens({ messages: g.input.messages })).total;
    assert.equal(promptTokens(g), expectedPrompt);
    assert.equal(u.promptTokenCount, expectedPrompt);
    assert.equal(u.candidatesTokenCount, emittedTokens(g));
    assert.equal(u.totalTokenCount, expectedPrompt + emittedTokens(g));
    assert.equal(u.thoughtsTokenCount ?? 0, 0);

    assert.equal(typeof r.modelVersion, 'string');
    assert.ok(r.modelVersion!.startsWith(MODEL), `modelVersion ${r.modelVersion}`);
    assert.equal(typeof r.responseId, 'string');
    assert.ok(r.responseId!.length > 0);
  });

  it('every response gets its own responseId', async () => {
    const ai = genai(server.baseUrl);
    const a = await ai.models.generateContent({ model: MODEL, contents: 'Hello there' });
    const b = await ai.models.generateContent({ model: MODEL, contents: 'Hello there' });
    assert.notEqual(a.responseId, b.responseId);
  });

  it('multi-turn contents keep their roles and order', async () => {
    await genai(server.baseUrl).models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'What is two plus two?' }] },
        { role: 'model', parts: [{ text: 'Four.' }] },
        { role: 'user', parts: [{ text: 'And three plus three?' }] },
      ],
    });
    assert.deepEqual(flatMessages(rec.last), [
      { role: 'user', text: 'What is two plus two?' },
      { role: 'model', text: 'Four.' },
      { role: 'user', text: 'And three plus three?' },
    ]);
  });

  it('config.systemInstruction becomes a leading system message and is counted in the prompt', async () => {
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'Hello there', config: { systemInstruction: 'Answer in one word.' },
    });
    const g = rec.last;
    assert.deepEqual(flatMessages(g), [
      { role: 'system', text: 'Answer in one word.' },
      { role: 'user', text: 'Hello there' },
    ]);
    assert.equal(r.usageMetadata?.promptTokenCount, (await fake.countTokens({ messages: g.input.messages })).total);
  });

  it('sampling settings reach the engine unchanged', async () => {
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL,
      contents: 'Hello there',
      config: {
        temperature: 0.3, topP: 0.8, topK: 20, seed: 42, presencePenalty: 0.5, frequencyPenalty: 0.25,
        maxOutputTokens: 50, stopSequences: ['zzz'],
      },
    });
    assert.deepEqual(definedSampling(rec.last), {
      temperature: 0.3, topP: 0.8, topK: 20, seed: 42, presencePenalty: 0.5, frequencyPenalty: 0.25,
      maxOutputTokens: 50, stopSequences: ['zzz'],
    });
    assert.equal(r.text, emittedText(rec.last));
  });

  it('topK 100 is clamped to 40 on gemini-1.5-flash-002 (documented quirk), kept on gemini-2.0-flash', async () => {
    const ai = genai(server.baseUrl);
    await ai.models.generateContent({ model: 'gemini-1.5-flash-002', contents: 'Hello there', config: { topK: 100 } });
    assert.equal(rec.last.input.sampling.topK, 40);
    await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hello there', config: { topK: 100 } });
    assert.equal(rec.last.input.sampling.topK, 100);
  });

  it('the same seed gives the same text (the seed reaches the engine)', async () => {
    const ai = genai(server.baseUrl);
    const a = await ai.models.generateContent({ model: MODEL, contents: 'Tell me more', config: { seed: 7 } });
    const b = await ai.models.generateContent({ model: MODEL, contents: 'Tell me more', config: { seed: 7 } });
    assert.equal(rec.generations[0].input.sampling.seed, 7);
    assert.equal(a.text, b.text);
  });

  it('candidateCount 3 returns 3 indexed candidates; usage counts all of them', async () => {
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'Hello there', config: { candidateCount: 3, seed: 1 },
    });
    const g = rec.last;
    assert.equal(g.input.candidateCount, 3);
    assert.equal(r.candidates?.length, 3);
    const byIndex = [...r.candidates!].sort((x, y) => (x.index ?? 0) - (y.index ?? 0));
    assert.deepEqual(byIndex.map((c) => c.index ?? 0), [0, 1, 2]);
    for (const c of byIndex) {
      assert.equal(candidateText(r, r.candidates!.indexOf(c)), emittedText(g, c.index ?? 0));
      assert.equal(c.finishReason, 'STOP');
      assert.equal(c.content?.role, 'model');
    }
    // The three candidates differ (the fake seeds each by its index), so they are not one copied.
    assert.equal(new Set(byIndex.map((c) => c.content?.parts?.map((p) => p.text).join(''))).size, 3);
    assert.equal(r.usageMetadata?.candidatesTokenCount, emittedTokens(g));
    assert.equal(r.usageMetadata?.totalTokenCount, promptTokens(g) + emittedTokens(g));
  });

  it('maxOutputTokens 2 stops with MAX_TOKENS after exactly 2 tokens', async () => {
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'Hello there', config: { maxOutputTokens: 2 },
    });
    assert.equal(rec.last.input.sampling.maxOutputTokens, 2);
    assert.equal(r.candidates?.[0].finishReason, 'MAX_TOKENS');
    assert.equal(r.usageMetadata?.candidatesTokenCount, 2);
    assert.equal(r.usageMetadata?.totalTokenCount, (r.usageMetadata?.promptTokenCount ?? NaN) + 2);
    assert.equal(r.text?.split(/\s+/).filter(Boolean).length, 2);
    // Chats drop turns with no parts (`isValidResponse` in js-genai src/chats.ts): MAX_TOKENS still carries the text.
    assert.ok((r.candidates?.[0].content?.parts?.length ?? 0) > 0);
  });

  it('a stop sequence ends the text before it, with STOP, and never appears in the output', async () => {
    const ai = genai(server.baseUrl);
    const full = (await ai.models.generateContent({ model: MODEL, contents: 'Hello there', config: { seed: 3 } })).text ?? '';
    const words = full.split(' ');
    assert.ok(words.length >= 4, `the fake writes at least 4 words, got ${JSON.stringify(full)}`);
    const stop = ` ${words[2]}`;
    const expected = full.slice(0, full.indexOf(stop));
    const r = await ai.models.generateContent({
      model: MODEL, contents: 'Hello there', config: { seed: 3, stopSequences: [stop] },
    });
    assert.deepEqual(rec.last.input.sampling.stopSequences, [stop]);
    assert.equal(r.text, expected);
    assert.ok(!(r.text ?? '').includes(stop));
    assert.equal(r.candidates?.[0].finishReason, 'STOP');
  });

  it('a chat keeps its history: the second request carries the first turn', async () => {
    const chat = genai(server.baseUrl).chats.create({ model: MODEL });
    const first = await chat.sendMessage({ message: 'first question' });
    const second = await chat.sendMessage({ message: 'second question' });
    assert.equal(rec.generations.length, 2);
    assert.deepEqual(flatMessages(rec.generations[0]), [{ role: 'user', text: 'first question' }]);
    assert.deepEqual(flatMessages(rec.generations[1]), [
      { role: 'user', text: 'first question' },
      { role: 'model', text: first.text ?? '<none>' },
      { role: 'user', text: 'second question' },
    ]);
    assert.equal(second.text, emittedText(rec.generations[1]));
    assert.equal(chat.getHistory(true).length, 4, 'the SDK judged a turn invalid and dropped it');
  });
});

describe('generateContent (contract, legacy @google/generative-ai 0.24.1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: rec }] });
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());

  const model = (extra: { systemInstruction?: string } = {}) =>
    new GoogleGenerativeAI(TEST_API_KEY).getGenerativeModel(
      { model: MODEL, generationConfig: { seed: 11 } as object, ...extra },
      { baseUrl: server.baseUrl },
    );

  it('generateContent returns the text and usage', async () => {
    const { response } = await model().generateContent('Hello there');
    const g = rec.last;
    assert.deepEqual(flatMessages(g), [{ role: 'user', text: 'Hello there' }]);
    assert.equal(g.input.sampling.seed, 11);
    assert.equal(response.text(), emittedText(g));
    assert.equal(response.candidates?.[0].finishReason, 'STOP');
    assert.equal(response.usageMetadata?.promptTokenCount, promptTokens(g));
    assert.equal(response.usageMetadata?.candidatesTokenCount, emittedTokens(g));
    assert.equal(response.usageMetadata?.totalTokenCount, promptTokens(g) + emittedTokens(g));
  });

  it('a string systemInstruction (sent with role "system") becomes the system message', async () => {
    await model({ systemInstruction: 'Answer in one word.' }).generateContent('Hello there');
    assert.deepEqual(flatMessages(rec.last), [
      { role: 'system', text: 'Answer in one word.' },
      { role: 'user', text: 'Hello there' },
    ]);
  });

  it('generateContentStream: its strict "data: " parser reads every chunk; the aggregate matches', async () => {
    const result = await model().generateContentStream('Hello there');
    let joined = '';
    for await (const chunk of result.stream) joined += chunk.text();
    const response = await result.response;
    const g = rec.last;
    assert.equal(joined, emittedText(g));
    assert.equal(response.text(), emittedText(g));
    assert.equal(response.candidates?.[0].finishReason, 'STOP');
    assert.equal(response.usageMetadata?.totalTokenCount, promptTokens(g) + emittedTokens(g));
  });

  it('countTokens (sent as {generateContentRequest:{model, contents}}) equals the prompt count', async () => {
    const { totalTokens } = await model().countTokens('Hello there');
    const expected = (await fake.countTokens({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hello there' }] }] })).total;
    assert.equal(totalTokens, expected);
    const { response } = await model().generateContent('Hello there');
    assert.equal(response.usageMetadata?.promptTokenCount, totalTokens);
  });

  it('startChat keeps history across sendMessage calls', async () => {
    const chat = model().startChat();
    const first = await chat.sendMessage('first question');
    await chat.sendMessage('second question');
    assert.deepEqual(flatMessages(rec.generations[1]), [
      { role: 'user', text: 'first question' },
      { role: 'model', text: first.response.text() },
      { role: 'user', text: 'second question' },
    ]);
    assert.equal((await chat.getHistory()).length, 4);
  });
});
