/**
 * The response cache through `@google/genai` and raw HTTP, on the fake engine wrapped to count
 * engine calls: a repeated deterministic request is a hit (no engine call, `x-gemserve-cache:
 * hit`, a byte-identical body), streams replay as the same chunks, a stored generation answers
 * both methods, and what must not be cached (sampled requests, other callers, errors, aborted
 * generations) is not.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateContentResponse } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { Errors } from '../../src/core/errors.js';
import { MemoryResponseCache } from '../../src/gateway/cache/memory-response-cache.js';
import { DEFAULT_RESPONSE_CACHE_POLICY } from '../../src/gateway/cache/response-cache-policy.js';
import type { ResponseCaching } from '../../src/gateway/cache/response-caching.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, parseStrictSse, postJson, TEST_API_KEY } from './helpers/clients.js';
import { FailFirstEngine, RecordingEngine } from './helpers/recording-engine.js';

const MODEL = 'gemini-2.0-flash';
const HEADER = 'x-gemserve-cache';
const TTL_MS = 60_000;

const body = (text: string, generationConfig: Record<string, unknown>) => ({
  contents: [{ role: 'user', parts: [{ text }] }],
  generationConfig,
});

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

/** A response as the wire had it, without what the SDK adds (`sdkHttpResponse`). */
const wire = (r: GenerateContentResponse) => JSON.parse(JSON.stringify({ ...r, sdkHttpResponse: undefined })) as unknown;

function newCaching(clock: FakeClock, shared = false): ResponseCaching & { lookups: boolean[] } {
  const lookups: boolean[] = [];
  return {
    cache: new MemoryResponseCache({ ttlMs: TTL_MS, maxEntries: 100, maxBytes: 1 << 20 }, clock),
    policy: { ...DEFAULT_RESPONSE_CACHE_POLICY, shared },
    onLookup: (hit) => lookups.push(hit),
    lookups,
  };
}

describe('response cache (contract)', () => {
  const clock = new FakeClock();
  const rec = new RecordingEngine(new FakeEngine({ label: 'fake.gguf' }));
  const caching = newCaching(clock);
  let server: TestServer;
  const url = (method: string) => `${server.baseUrl}/v1beta/models/${MODEL}:${method}`;
  before(async () => {
    // Keys configured: each is its own caller (on a server without keys every caller is `anonymous`).
    server = await startServer({ bindings: [{ id: MODEL, engine: rec }], apiKeys: [TEST_API_KEY, 'another-key'], responseCache: caching });
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());

  it('a repeated request (temperature 0) is a hit: engine called once, header says so, identical body', async () => {
    const ai = genai(server.baseUrl);
    const ask = () => ai.models.generateContent({ model: MODEL, contents: 'Cache me', config: { temperature: 0 } });
    const first = await ask();
    const second = await ask();
    assert.equal(rec.generations.length, 1, 'the engine ran once');
    assert.equal(first.sdkHttpResponse?.headers?.[HEADER], 'miss');
    assert.equal(second.sdkHttpResponse?.headers?.[HEADER], 'hit');
    assert.deepEqual(wire(second), wire(first));
    assert.equal(second.responseId, first.responseId, 'a hit repeats the stored responseId: the body is identical');
    assert.deepEqual(second.usageMetadata, first.usageMetadata, 'usage is the original generation\'s');
    assert.equal(second.usageMetadata?.cachedContentTokenCount, undefined, 'not Google\'s implicit (prompt) caching');
  });

  it('byte for byte over raw HTTP; snake_case and reordered fields hit the same entry', async () => {
    const camel = body('Raw bytes', { temperature: 0, maxOutputTokens: 30 });
    const a = await postJson(url('generateContent'), camel);
    const aText = await a.text();
    assert.equal(a.status, 200);
    assert.equal(a.headers.get(HEADER), 'miss');
    const snake = {
      generation_config: { max_output_tokens: '30', temperature: 0 },
      contents: [{ parts: [{ text: 'Raw bytes' }], role: 'user' }],
    };
    const b = await postJson(url('generateContent'), snake);
    assert.equal(b.headers.get(HEADER), 'hit');
    assert.equal(await b.text(), aText);
    assert.equal(rec.generations.length, 1);
  });

  it('a stream is replayed as the same chunks, byte for byte', async () => {
    const ai = genai(server.baseUrl);
    const ask = async () => collect(await ai.models.generateContentStream({ model: MODEL, contents: 'Stream me', config: { seed: 7 } }));
    const first = await ask();
    const second = await ask();
    assert.equal(rec.generations.length, 1);
    assert.ok(first.length >= 2, `expected several chunks, got ${first.length}`);
    assert.equal(first[0].sdkHttpResponse?.headers?.[HEADER], 'miss');
    assert.equal(second[0].sdkHttpResponse?.headers?.[HEADER], 'hit');
    assert.deepEqual(second.map(wire), first.map(wire));

    const sse = async () => {
      const res = await postJson(`${url('streamGenerateContent')}?alt=sse`, body('Stream me', { seed: 7 }));
      return { header: res.headers.get(HEADER), text: await res.text() };
    };
    const raw = await sse();
    assert.equal(raw.header, 'hit', 'the SDK stored it; a raw request with the same fields hits it');
    assert.deepEqual(parseStrictSse(raw.text).events, first.map(wire));
    assert.equal(rec.generations.length, 1);
  });

  it('one stored generation answers both methods, with the body that method would have sent', async () => {
    const ai = genai(server.baseUrl);
    const chunks = await collect(await ai.models.generateContentStream({ model: MODEL, contents: 'Both ways', config: { temperature: 0 } }));
    const unary = await ai.models.generateContent({ model: MODEL, contents: 'Both ways', config: { temperature: 0 } });
    assert.equal(unary.sdkHttpResponse?.headers?.[HEADER], 'hit');
    assert.equal(rec.generations.length, 1);
    assert.equal(unary.text, chunks.map((c) => c.text ?? '').join(''));
    assert.equal(unary.responseId, chunks[0].responseId);
    assert.deepEqual(unary.usageMetadata, chunks.at(-1)!.usageMetadata);
    assert.equal(unary.candidates?.[0]?.finishReason, 'STOP');
  });

  it('a different seed, prompt, or API key misses', async () => {
    const ask = (seed: number, contents = 'Seeded', apiKey?: string) =>
      genai(server.baseUrl, apiKey ? { apiKey } : {}).models.generateContent({ model: MODEL, contents, config: { seed } });
    assert.equal((await ask(1)).sdkHttpResponse?.headers?.[HEADER], 'miss');
    assert.equal((await ask(1)).sdkHttpResponse?.headers?.[HEADER], 'hit');
    assert.equal((await ask(2)).sdkHttpResponse?.headers?.[HEADER], 'miss');
    assert.equal((await ask(1, 'Seeded!')).sdkHttpResponse?.headers?.[HEADER], 'miss');
    assert.equal((await ask(1, 'Seeded', 'another-key')).sdkHttpResponse?.headers?.[HEADER], 'miss',
      'one key\'s answers are never served to another');
    assert.equal(rec.generations.length, 4);
  });

  it('temperature 1 without a seed (or no config at all) is never cached', async () => {
    const ai = genai(server.baseUrl);
    for (const config of [{ temperature: 1 }, {}, { temperature: 0, candidateCount: 2 }]) {
      for (let i = 0; i < 2; i++) {
        const r = await ai.models.generateContent({ model: MODEL, contents: 'Sampled', config });
        assert.equal(r.sdkHttpResponse?.headers?.[HEADER], 'bypass', JSON.stringify(config));
      }
    }
    assert.equal(rec.generations.length, 6);
  });

  it('entries expire after the TTL', async () => {
    const ai = genai(server.baseUrl);
    const ask = () => ai.models.generateContent({ model: MODEL, contents: 'Short-lived', config: { temperature: 0 } });
    await ask();
    clock.advance(TTL_MS - 1);
    assert.equal((await ask()).sdkHttpResponse?.headers?.[HEADER], 'hit');
    clock.advance(1);
    assert.equal((await ask()).sdkHttpResponse?.headers?.[HEADER], 'miss');
    assert.equal(rec.generations.length, 2);
  });

  it('every lookup reaches onLookup (metrics) and the stats', async () => {
    const before = caching.cache.stats();
    const lookups = caching.lookups.length;
    const ai = genai(server.baseUrl);
    await ai.models.generateContent({ model: MODEL, contents: 'Counted', config: { temperature: 0 } });
    await ai.models.generateContent({ model: MODEL, contents: 'Counted', config: { temperature: 0 } });
    assert.deepEqual(caching.lookups.slice(lookups), [false, true]);
    const s = caching.cache.stats();
    assert.equal(s.hits - before.hits, 1);
    assert.equal(s.misses - before.misses, 1);
    assert.ok(s.entries > 0 && s.bytes > 0);
  });
});

describe('response cache: what is never stored (contract)', () => {
  it('errors are not cached: after a failed generation the next request runs the engine', async () => {
    const failing = new FailFirstEngine(new FakeEngine({ label: 'fake.gguf' }), 1, () => Errors.overloaded());
    const rec = new RecordingEngine(failing);
    await using server = await startServer({ bindings: [{ id: MODEL, engine: rec }], responseCache: newCaching(new FakeClock()) });
    const send = () => postJson(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, body('Fail first', { temperature: 0 }));
    const a = await send();
    assert.notEqual(a.status, 200);
    await a.text();
    const b = await send();
    assert.equal(b.status, 200);
    assert.equal(b.headers.get(HEADER), 'miss');
    const c = await send();
    assert.equal(c.headers.get(HEADER), 'hit');
    assert.equal(await c.text(), await b.text());
    assert.equal(failing.calls, 2);
  });

  it('a generation cut short by X-Server-Timeout is not cached', async () => {
    const rec = new RecordingEngine(new FakeEngine({ label: 'fake.gguf', tokenDelayMs: 400 }));
    await using server = await startServer({ bindings: [{ id: MODEL, engine: rec }], responseCache: newCaching(new FakeClock()) });
    const send = (headers: Record<string, string> = {}) =>
      postJson(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, body('Too slow', { temperature: 0, maxOutputTokens: 3 }), headers);
    const timedOut = await send({ 'x-server-timeout': '1' });
    assert.equal(timedOut.status, 504);
    await timedOut.text();
    const next = await send();
    assert.equal(next.status, 200);
    assert.equal(next.headers.get(HEADER), 'miss');
    await next.text();
    assert.equal(rec.generations.length, 2);
  });

  it('--cache-shared serves one key\'s stored answer to another', async () => {
    const rec = new RecordingEngine(new FakeEngine({ label: 'fake.gguf' }));
    await using server = await startServer({
      bindings: [{ id: MODEL, engine: rec }], apiKeys: ['key-a', 'key-b'], responseCache: newCaching(new FakeClock(), true),
    });
    const ask = (apiKey: string) =>
      genai(server.baseUrl, { apiKey }).models.generateContent({ model: MODEL, contents: 'Shared', config: { temperature: 0 } });
    const a = await ask('key-a');
    const b = await ask('key-b');
    assert.equal(b.sdkHttpResponse?.headers?.[HEADER], 'hit');
    assert.equal(b.responseId, a.responseId);
    assert.equal(rec.generations.length, 1);
  });
});
