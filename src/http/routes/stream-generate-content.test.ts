import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import type { CountTokensInput, Engine, GenerateEvent, GenerateInput } from '../../core/engine.js';
import { FakeEngine, type FakeEngineOptions } from '../../engines/fake/fake-engine.js';
import { createApp } from '../create-app.js';

/** A FakeEngine that records the signal it was given and whether its stream ran to the end. */
class WatchedEngine implements Engine {
  readonly kind = 'watched';
  readonly label = 'fake';
  readonly #inner: FakeEngine;
  readonly capabilities;
  signals: AbortSignal[] = [];
  finished = 0;
  constructor(opts: FakeEngineOptions = {}) {
    this.#inner = new FakeEngine(opts);
    this.capabilities = this.#inner.capabilities;
  }
  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.signals.push(input.signal);
    yield* this.#inner.stream(input);
    if (!input.signal.aborted) this.finished++;
  }
  countTokens(input: CountTokensInput) {
    return this.#inner.countTokens(input);
  }
  dispose() {
    return this.#inner.dispose();
  }
  [Symbol.asyncDispose]() {
    return this.dispose();
  }
}

async function makeApp(opts: FakeEngineOptions = {}) {
  const engine = new WatchedEngine(opts);
  const app = await createApp({ catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine }]), apiKeys: [], bodyLimitBytes: 65536 });
  return { app, engine };
}

const HI = { contents: [{ role: 'user', parts: [{ text: 'Tell me a story about the sea' }] }] };
const SSE_URL = '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse';
const JSON_URL = '/v1beta/models/gemini-2.0-flash:streamGenerateContent';

/** Splits an SSE body into event payloads, asserting Google's exact framing on the way. */
function sseEvents(body: string): string[] {
  assert.match(body, /^(data: [^\r\n]+\r\n\r\n)+$/, 'only `data: <one line>\\r\\n\\r\\n` events');
  return body.split('\r\n\r\n').slice(0, -1).map((e) => e.slice('data: '.length));
}

test('SSE framing is byte-exact: one-line compact JSON per event, cumulative usage, finishReason last, one responseId', async () => {
  const { app } = await makeApp();
  const res = await app.inject({ method: 'POST', url: SSE_URL, payload: HI });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream');
  const events = sseEvents(res.body);
  assert.ok(events.length > 2);
  const chunks = events.map((e) => {
    const chunk = JSON.parse(e);
    assert.equal(JSON.stringify(chunk), e, 'compact JSON');
    return chunk;
  });
  assert.equal(new Set(chunks.map((c) => c.responseId)).size, 1);
  assert.match(chunks[0].responseId, /^[A-Za-z0-9_-]{22}$/);
  assert.ok(chunks.every((c) => c.modelVersion === 'gemini-2.0-flash'));
  assert.ok(chunks.every((c) => c.candidates[0].content.role === 'model' && c.candidates[0].content.parts[0].text !== ''));
  assert.deepEqual(chunks.map((c) => c.candidates[0].finishReason ?? null), [...chunks.slice(1).map(() => null), 'STOP']);
  const counts = chunks.map((c) => c.usageMetadata.candidatesTokenCount);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'cumulative');
  assert.ok(chunks.every((c) => c.usageMetadata.totalTokenCount === c.usageMetadata.promptTokenCount + c.usageMetadata.candidatesTokenCount));

  // The stream says what the unary call says.
  const unary = (await app.inject({ method: 'POST', url: '/v1beta/models/gemini-2.0-flash:generateContent', payload: HI })).json();
  assert.equal(chunks.map((c) => c.candidates[0].content.parts[0].text).join(''), unary.candidates[0].content.parts[0].text);
  assert.deepEqual(chunks.at(-1).usageMetadata, unary.usageMetadata);
});

test('without alt=sse: a JSON array framed as Google does', async () => {
  const { app } = await makeApp();
  const res = await app.inject({ method: 'POST', url: JSON_URL, payload: HI });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.ok(res.body.startsWith('[{"candidates":'));
  assert.ok(res.body.endsWith('}\r\n]'));
  const chunks = JSON.parse(res.body);
  assert.ok(Array.isArray(chunks) && chunks.length > 2);
  assert.equal(res.body.split('\r\n,').length, chunks.length);
  assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
});

test('several candidates stream with their indices', async () => {
  const { app } = await makeApp();
  const res = await app.inject({ method: 'POST', url: SSE_URL, payload: { ...HI, generationConfig: { candidateCount: 2 } } });
  const chunks = sseEvents(res.body).map((e) => JSON.parse(e));
  const finished = chunks.filter((c) => c.candidates[0].finishReason).map((c) => c.candidates[0].index);
  assert.deepEqual(finished, [0, 1]);
});

test('errors before the first chunk are ordinary JSON responses', async () => {
  const { app } = await makeApp();
  const unknown = await app.inject({ method: 'POST', url: '/v1beta/models/nope:streamGenerateContent?alt=sse', payload: HI });
  assert.equal(unknown.statusCode, 404);
  assert.match(String(unknown.headers['content-type']), /^application\/json/);
  assert.equal(unknown.json().error.status, 'NOT_FOUND');
  const invalid = await app.inject({ method: 'POST', url: SSE_URL, payload: { contents: [] } });
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.message, '* GenerateContentRequest.contents: contents is not specified\n');

  const broken = await makeApp({ failAfterTokens: 0 });
  const res = await broken.app.inject({ method: 'POST', url: SSE_URL, payload: HI });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().error.status, 'INTERNAL');
});

test('a failure after the headers goes in-band, with "error" as the first key', async () => {
  const { app } = await makeApp({ failAfterTokens: 3 });
  const res = await app.inject({ method: 'POST', url: SSE_URL, payload: HI });
  assert.equal(res.statusCode, 200);
  const events = sseEvents(res.body);
  const last = events.at(-1)!;
  assert.ok(last.startsWith('{"error":'));
  assert.deepEqual(JSON.parse(last), { error: {
    code: 500,
    message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    status: 'INTERNAL',
  } });
  assert.ok(events.length >= 2);

  const array = await app.inject({ method: 'POST', url: JSON_URL, payload: HI });
  const chunks = JSON.parse(array.body);
  assert.equal(chunks.at(-1).error.status, 'INTERNAL');
  assert.ok(array.body.endsWith('}\r\n]'));
});

test('X-Server-Timeout: 504 before the first chunk, in-band after it', async () => {
  const slow = await makeApp({ tokenDelayMs: 200 });
  const early = await slow.app.inject({ method: 'POST', url: SSE_URL, payload: HI, headers: { 'x-server-timeout': '0.05' } });
  assert.equal(early.statusCode, 504);
  assert.deepEqual(early.json(), { error: { code: 504, message: 'Deadline expired before operation could complete.', status: 'DEADLINE_EXCEEDED' } });

  const { app, engine } = await makeApp({ tokenDelayMs: 20 });
  const late = await app.inject({ method: 'POST', url: SSE_URL, payload: HI, headers: { 'x-server-timeout': '0.1' } });
  assert.equal(late.statusCode, 200);
  const events = sseEvents(late.body);
  assert.ok(events.length >= 2);
  assert.equal(JSON.parse(events.at(-1)!).error.status, 'DEADLINE_EXCEEDED');
  assert.equal(engine.signals.at(-1)!.aborted, true);
});

test('a client that disconnects mid-stream aborts the engine', async () => {
  const { app, engine } = await makeApp({ tokenDelayMs: 30 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: SSE_URL, headers: { 'content-type': 'application/json' } }, (res) => {
        assert.equal(res.statusCode, 200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.setTimeout(5000, () => reject(new Error('no data')));
      req.end(JSON.stringify(HI));
    });
    const signal = engine.signals.at(-1)!;
    const deadline = Date.now() + 2000;
    while (!signal.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(signal.aborted, true, 'the engine saw the abort');
    assert.equal(engine.finished, 0, 'the generation did not run to its end');
  } finally {
    await app.close();
  }
});

test('a client that disconnects during a unary call aborts the engine too', async () => {
  const { app, engine } = await makeApp({ tokenDelayMs: 30 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as AddressInfo;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1beta/models/gemini-2.0-flash:generateContent' });
    req.on('error', () => {});
    req.end(JSON.stringify(HI));
    const deadline = Date.now() + 2000;
    while (engine.signals.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    req.destroy();
    const signal = engine.signals[0];
    while (!signal.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(signal.aborted, true);
  } finally {
    await app.close();
  }
});
