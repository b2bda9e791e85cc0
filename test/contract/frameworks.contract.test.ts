/**
 * Frameworks built on the Gemini API work against gemserve unchanged, pointed at it by their
 * own base-URL option: the Vercel AI SDK's `@ai-sdk/google` and LangChain's
 * `@langchain/google-genai`. Each one's own parsing of responses, streams and usage is what is
 * under test, so assertions are on what the framework hands the app.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { generateText, streamText } from 'ai';
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { collectGeneration } from '../../src/core/engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const engine = new FakeEngine();

/** What the fake engine writes for one user turn with this seed, via the same catalog defaults. */
async function expectedText(prompt: string, seed: number, maxOutputTokens: number): Promise<string> {
  const r = await collectGeneration(engine.stream({
    messages: [{ role: 'user', parts: [{ type: 'text', text: prompt }] }],
    sampling: { maxOutputTokens, stopSequences: [], seed, temperature: 0, topP: 0.95, topK: 40 },
    candidateCount: 1,
    signal: new AbortController().signal,
  }));
  return r.candidates[0].text;
}

describe('frameworks (contract)', () => {
  let server: TestServer;
  before(async () => { server = await startServer({ bindings: [{ id: MODEL, engine }] }); });
  after(async () => { await server.close(); });

  it('@ai-sdk/google generateText: text, usage and finish reason', async () => {
    const google = createGoogleGenerativeAI({ apiKey: 'any', baseURL: `${server.baseUrl}/v1beta` });
    const r = await generateText({ model: google(MODEL), prompt: 'Hello there', seed: 7, temperature: 0, maxOutputTokens: 64 });
    assert.equal(r.text, await expectedText('Hello there', 7, 64));
    assert.ok((r.usage.inputTokens ?? 0) > 0);
    assert.equal(r.usage.totalTokens, (r.usage.inputTokens ?? 0) + (r.usage.outputTokens ?? 0));
    assert.equal(r.finishReason, 'stop');
  });

  it('@ai-sdk/google streamText: the stream joins to the same text', async () => {
    const google = createGoogleGenerativeAI({ apiKey: 'any', baseURL: `${server.baseUrl}/v1beta` });
    const r = streamText({ model: google(MODEL), prompt: 'Hello there', seed: 7, temperature: 0, maxOutputTokens: 64 });
    let text = '';
    for await (const delta of r.textStream) text += delta;
    assert.equal(text, await expectedText('Hello there', 7, 64));
    assert.equal(await r.finishReason, 'stop');
  });

  it('@ai-sdk/google reports MAX_TOKENS as finish reason length', async () => {
    const google = createGoogleGenerativeAI({ apiKey: 'any', baseURL: `${server.baseUrl}/v1beta` });
    const r = await generateText({ model: google(MODEL), prompt: 'Hello there', seed: 7, temperature: 0, maxOutputTokens: 1 });
    assert.equal(r.finishReason, 'length');
    assert.equal(r.usage.outputTokens, 1);
  });

  it('@langchain/google-genai invoke and stream', async () => {
    const llm = new ChatGoogleGenerativeAI({ model: MODEL, apiKey: 'any', baseUrl: server.baseUrl, temperature: 0, maxOutputTokens: 64 });
    const msg = await llm.invoke('Hello there');
    assert.equal(typeof msg.content, 'string');
    assert.ok((msg.content as string).length > 0);
    assert.ok((msg.usage_metadata?.input_tokens ?? 0) > 0);
    let streamed = '';
    for await (const chunk of await llm.stream('Hello there')) streamed += chunk.content as string;
    assert.equal(streamed, msg.content, 'same request, same deterministic text');
  });
});
