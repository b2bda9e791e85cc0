/**
 * streamGenerateContent: through `@google/genai` and byte-exact through raw `fetch`
 * (SSE framing as both SDKs parse it, see `parseStrictSse`; in-band errors with `"error"` as the
 * first key; usage cumulative on every chunk, as Google streams it), plus failures and client
 * aborts mid-stream.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type GenerateContentResponse } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { candidateText, genai, parseStrictSse, postJson } from './helpers/clients.js';
import { emittedText, emittedTokens, promptTokens, RecordingEngine } from './helpers/recording-engine.js';
import { GATED_FIRST_TEXT, GATED_LAST_TEXT, GatedEngine } from './helpers/gated-engine.js';

const MODEL = 'gemini-2.0-flash';
const INTERNAL_TEXT =
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

const body = (text: string, generationConfig: Record<string, unknown> = {}) => ({
  contents: [{ role: 'user', parts: [{ text }] }],
  generationConfig,
});

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe('streamGenerateContent (contract)', () => {
  const rec = new RecordingEngine(new FakeEngine({ label: 'fake.gguf' }));
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: rec }] });
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());

  it('SDK chunks concatenate to the generateContent text for the same seed; usage is cumulative', async () => {
    const ai = genai(server.baseUrl);
    const unary = await ai.models.generateContent({ model: MODEL, contents: 'Hello there', config: { seed: 9 } });
    const chunks = await collect(await ai.models.generateContentStream({ model: MODEL, contents: 'Hello there', config: { seed: 9 } }));
    const g = rec.last;

    assert.ok(chunks.length >= 2, `expected the text in several chunks, got ${chunks.length}`);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), unary.text);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), emittedText(g));

    let previous = 0;
    for (const [i, c] of chunks.entries()) {
      const u = c.usageMetadata;
      assert.ok(u, `chunk ${i} has no usageMetadata`);
      assert.equal(u.promptTokenCount, unary.usageMetadata?.promptTokenCount, `chunk ${i} promptTokenCount`);
      const cands = u.candidatesTokenCount ?? 0;
      assert.ok(cands >= previous, `candidatesTokenCount went down at chunk ${i}: ${previous} -> ${cands}`);
      previous = cands;
      assert.equal(u.totalTokenCount, (u.promptTokenCount ?? 0) + cands, `chunk ${i} totalTokenCount`);
      assert.equal(c.responseId, chunks[0].responseId, `chunk ${i} responseId`);
      assert.ok(c.modelVersion?.startsWith(MODEL), `chunk ${i} modelVersion ${c.modelVersion}`);
    }
    assert.ok(chunks[0].responseId, 'responseId missing');
    const last = chunks.at(-1)!;
    assert.deepEqual(
      { prompt: last.usageMetadata?.promptTokenCount, cands: last.usageMetadata?.candidatesTokenCount, total: last.usageMetadata?.totalTokenCount },
      { prompt: promptTokens(g), cands: emittedTokens(g), total: promptTokens(g) + emittedTokens(g) },
    );
    assert.deepEqual(
      { prompt: last.usageMetadata?.promptTokenCount, cands: last.usageMetadata?.candidatesTokenCount, total: last.usageMetadata?.totalTokenCount },
      { prompt: unary.usageMetadata?.promptTokenCount, cands: unary.usageMetadata?.candidatesTokenCount, total: unary.usageMetadata?.totalTokenCount },
    );
  });

  it('finishReason appears on the last chunk only', async () => {
    const chunks = await collect(await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Hello there' }));
    for (const [i, c] of chunks.slice(0, -1).entries()) {
      assert.equal(c.candidates?.[0]?.finishReason, undefined, `chunk ${i} carries finishReason`);
    }
    assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
  });

  it('maxOutputTokens 3 in a stream ends with MAX_TOKENS and 3 candidate tokens', async () => {
    const chunks = await collect(await genai(server.baseUrl).models.generateContentStream({
      model: MODEL, contents: 'Hello there', config: { maxOutputTokens: 3 },
    }));
    assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, 'MAX_TOKENS');
    assert.equal(chunks.at(-1)?.usageMetadata?.candidatesTokenCount, 3);
    assert.equal(chunks.map((c) => c.text ?? '').join('').split(' ').length, 3);
  });

  it('a chat over sendMessageStream records both turns', async () => {
    const chat = genai(server.baseUrl).chats.create({ model: MODEL });
    const first = (await collect(await chat.sendMessageStream({ message: 'first question' }))).map((c) => c.text ?? '').join('');
    await collect(await chat.sendMessageStream({ message: 'second question' }));
    // The SDK stores one model content per chunk, so the second request carries the first
    // answer split over several consecutive model turns; joined, they must be the whole answer
    // (an answer the SDK judged invalid would be replaced by one empty model turn).
    const second: Array<{ role: string; text: string }> = [];
    for (const m of rec.generations[1].input.messages) {
      const text = m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
      const prev = second.at(-1);
      if (prev && prev.role === m.role) prev.text += text;
      else second.push({ role: m.role, text });
    }
    assert.ok(first.length > 0);
    assert.deepEqual(second, [
      { role: 'user', text: 'first question' },
      { role: 'model', text: first },
      { role: 'user', text: 'second question' },
    ]);
  });

  it('raw ?alt=sse: text/event-stream, "data: " + one-line JSON + CRLFCRLF, nothing else', async () => {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, body('Hello there', { seed: 9 }));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream\b/);
    const { events } = parseStrictSse(await res.text());
    assert.ok(events.length >= 2);
    const text = events.map((e) => candidateText(e)).join('');
    const unary = await genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there', config: { seed: 9 } });
    assert.equal(text, unary.text);
    assert.equal(events.at(-1).candidates[0].finishReason, 'STOP');
    for (const e of events.slice(0, -1)) assert.equal(e.candidates?.[0]?.finishReason, undefined);
    // Citations and usage keep their wire names; chunks carry candidates with role "model".
    for (const e of events) {
      if (e.candidates?.[0]?.content) assert.equal(e.candidates[0].content.role, 'model');
    }
  });

  it('raw stream without alt=sse is one JSON array (application/json) of responses', async () => {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent`, body('Hello there', { seed: 9 }));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
    const raw = await res.text();
    let parsed: unknown;
    assert.doesNotThrow(() => { parsed = JSON.parse(raw); }, `not JSON: ${raw.slice(0, 200)}`);
    assert.ok(Array.isArray(parsed), 'not a JSON array');
    const arr = parsed as any[];
    assert.ok(arr.length >= 1);
    const unary = await genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there', config: { seed: 9 } });
    assert.equal(arr.map((e) => candidateText(e)).join(''), unary.text);
    assert.equal(arr.at(-1).candidates[0].finishReason, 'STOP');
    assert.equal(arr.at(-1).usageMetadata.totalTokenCount, unary.usageMetadata?.totalTokenCount);
  });
});

describe('streamGenerateContent failure mid-stream (contract)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine({ failAfterTokens: 2 }) }] });
  });
  after(() => server?.close());

  it('raw SSE: status 200, text chunks, then data: {"error":...} with "error" as the first key', async () => {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, body('Hello there'));
    assert.equal(res.status, 200);
    const { raw, events } = parseStrictSse(await res.text());
    assert.ok(events.length >= 2, `expected text before the error, got ${raw.join(' | ')}`);
    const last = raw.at(-1)!;
    assert.ok(last.startsWith('{"error":'), `the error event must start with {"error": (Python checks this): ${last}`);
    const err = events.at(-1).error;
    assert.equal(err.code, 500);
    assert.equal(err.status, 'INTERNAL');
    assert.equal(err.message, INTERNAL_TEXT);
    for (const e of events.slice(0, -1)) assert.equal(e.error, undefined);
    assert.equal(events.slice(0, -1).map((e) => candidateText(e)).join('').split(' ').length, 2);
  });

  it('@google/genai yields the chunks before it, then throws ApiError 500 "got status: INTERNAL. {...}"', async () => {
    const stream = await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Hello there' });
    const texts: string[] = [];
    let caught: unknown;
    try {
      for await (const c of stream) texts.push(c.text ?? '');
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ApiError, `expected ApiError, got ${String(caught)}`);
    assert.equal(caught.status, 500);
    assert.ok(caught.message.startsWith('got status: INTERNAL. '), caught.message);
    const json = JSON.parse(caught.message.slice('got status: INTERNAL. '.length));
    assert.equal(json.error.status, 'INTERNAL');
    assert.equal(texts.join('').split(' ').length, 2);
  });

  it('generateContent (unary) with the same failure is a plain 500 INTERNAL error', async () => {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, body('Hello there'));
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const b = await res.json() as any;
    assert.deepEqual({ code: b.error.code, status: b.error.status, message: b.error.message }, { code: 500, status: 'INTERNAL', message: INTERNAL_TEXT });
  });
});

describe('client aborts (contract)', () => {
  const gated = new GatedEngine();
  const other = new FakeEngine();
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: gated }, { id: 'gemini-2.5-flash', engine: other }] });
  });
  after(async () => {
    await gated.dispose();
    await server?.close();
  });

  it('aborting an SDK stream (config.abortSignal) aborts the engine\'s signal; the server keeps serving', { timeout: 15_000 }, async () => {
    const ai = genai(server.baseUrl);
    const ac = new AbortController();
    const n = gated.calls.length;
    const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'Hello there', config: { abortSignal: ac.signal } });
    const first = await stream.next();
    assert.equal(first.done, false);
    // How text is split over chunks is the server's choice; the first one holds a start of it.
    const firstText = (first.value as GenerateContentResponse).text ?? '';
    assert.ok(firstText.length > 0 && GATED_FIRST_TEXT.startsWith(firstText), `first chunk text ${JSON.stringify(firstText)}`);
    const call = await gated.call(n);
    ac.abort();
    await call.aborted.promise;
    await call.ended.promise;
    await assert.rejects(stream.next());

    const r = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'still there?' });
    assert.ok((r.text ?? '').length > 0);
  });

  it('aborting a raw fetch mid-stream aborts the engine\'s signal', { timeout: 15_000 }, async () => {
    const ac = new AbortController();
    const n = gated.calls.length;
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, body('Hello there'), {}, ac.signal);
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const firstBytes = await reader.read();
    assert.equal(firstBytes.done, false);
    const call = await gated.call(n);
    ac.abort();
    await call.aborted.promise;
    await call.ended.promise;
  });

  it('aborting a unary generateContent while the engine works aborts the engine\'s signal', { timeout: 15_000 }, async () => {
    const ac = new AbortController();
    const n = gated.calls.length;
    const pending = genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there', config: { abortSignal: ac.signal } });
    const call = await gated.call(n);
    ac.abort();
    await assert.rejects(pending);
    await call.aborted.promise;
    await call.ended.promise;
  });

  it('after those aborts, a released generation on the same engine completes normally', { timeout: 15_000 }, async () => {
    const n = gated.calls.length;
    const pending = genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there' });
    (await gated.call(n)).release();
    const r = await pending;
    assert.equal(r.text, GATED_FIRST_TEXT + GATED_LAST_TEXT);
    assert.equal(r.candidates?.[0].finishReason, 'STOP');
    assert.equal(gated.calls[n].aborted.settled, false, 'a completed request must not abort its engine signal');
  });
});
