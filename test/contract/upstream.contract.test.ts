/**
 * The gemini-upstream engine behind gemserve, driven by `@google/genai`: what an app sees when
 * gemserve forwards to a Gemini endpoint that misbehaves (the scripted fake in
 * test/fixtures/fake-gemini-upstream.ts). Retried failures are invisible; the rest arrive as
 * Google's own errors; a stream cut after output ends with an error, never with repeated text.
 * Embeddings are Google's vectors, the client's taskType/title/outputDimensionality forwarded.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GeminiUpstreamEngine } from '../../src/engines/gemini-upstream/gemini-upstream-engine.js';
import type { UsageRecord } from '../../src/gateway/usage-record.js';
import { googleError, quotaExceeded, startFakeGeminiUpstream } from '../fixtures/fake-gemini-upstream.js';
import type { ScriptedUpstream } from '../fixtures/fake-gemini-upstream.js';
import { genai, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.5-flash';

describe('gemini-upstream behind gemserve (contract, @google/genai)', () => {
  let fake: ScriptedUpstream;
  let server: TestServer;
  let engine: GeminiUpstreamEngine;
  before(async () => {
    fake = await startFakeGeminiUpstream();
    engine = new GeminiUpstreamEngine({
      baseUrl: fake.url, apiKey: 'operator-key', model: MODEL, timeoutMs: 2_000,
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2_000 },
    });
    server = await startServer({ bindings: [{ id: MODEL, engine }] });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  it('passes text and usage through, with the operator\'s key, not the client\'s', async () => {
    const r = await genai(server.baseUrl, { apiKey: 'client-key' }).models.generateContent({
      model: MODEL, contents: 'Hello there', config: { thinkingConfig: { thinkingBudget: 0 } },
    });
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].headers['x-goog-api-key'], 'operator-key');
    assert.equal(r.text, fake.requests[0].text);
    assert.ok((r.usageMetadata?.promptTokenCount ?? 0) > 0);
  });

  it('500 twice, then OK: retried, the app sees one clean answer', async () => {
    const boom = { kind: 'status', status: 500, body: googleError(500, 'INTERNAL', 'An internal error has occurred.') } as const;
    fake.script(boom, boom);
    const chunks: string[] = [];
    for await (const c of await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Hello', config: { thinkingConfig: { thinkingBudget: 0 } } })) {
      chunks.push(c.text ?? '');
    }
    assert.equal(fake.requests.length, 3);
    assert.equal(chunks.join(''), fake.requests[2].text, 'no text lost or repeated');
  });

  it('an upstream 400 reaches the app as Google\'s 400, not retried', async () => {
    fake.script({ kind: 'status', status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.') });
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }), 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /Request contains an invalid argument\./);
    assert.equal(fake.requests.length, 1);
  });

  it('429 on every attempt: the app gets 429 RESOURCE_EXHAUSTED with the upstream\'s RetryInfo', async () => {
    const limited = { kind: 'status', status: 429, body: quotaExceeded('0.01s') } as const;
    fake.script(limited, limited, limited);
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }), 429, 'RESOURCE_EXHAUSTED');
    assert.ok(body.error.details?.some((d) => d['@type'].endsWith('RetryInfo')));
    assert.equal(fake.requests.length, 3);
  });

  it('a stream cut after output: the text so far, then an error; nothing repeated', async () => {
    fake.script({ kind: 'drop-mid-stream', afterChunks: 2 });
    const got: string[] = [];
    let failed: unknown;
    try {
      for await (const c of await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Tell me more', config: { thinkingConfig: { thinkingBudget: 0 } } })) {
        got.push(c.text ?? '');
      }
    } catch (e) {
      failed = e;
    }
    assert.ok(failed, 'the app learns the stream failed');
    assert.equal(fake.requests.length, 1, 'not retried once output went out');
    assert.ok(fake.requests[0].text.startsWith(got.join('')), 'what arrived is a prefix of what was sent');
  });
});

describe('embeddings through gemini-upstream (contract, @google/genai)', () => {
  const EMBED = 'gemini-embedding-001';
  /** gemini-embedding-001's full vector (ai.google.dev/gemini-api/docs/embeddings). */
  const DIMS = 3072;
  let fake: ScriptedUpstream;
  let server: TestServer;
  let engine: GeminiUpstreamEngine;
  const usage: UsageRecord[] = [];
  before(async () => {
    fake = await startFakeGeminiUpstream();
    engine = new GeminiUpstreamEngine({
      baseUrl: fake.url, apiKey: 'operator-key', model: EMBED, embeddingDimensions: DIMS, timeoutMs: 2_000,
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2_000 },
    });
    server = await startServer({ bindings: [{ id: EMBED, engine }], usageSinks: [(r) => { usage.push(r); }] });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
    await fake?.close();
  });
  beforeEach(() => { fake.reset(); usage.length = 0; });

  /** Google's answer to a truncated request: the first `n` values, not normalised. */
  const truncated = (seed: number, n: number) => Array.from({ length: n }, (_, j) => Math.sin(seed + j) * 3);
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

  it('forwards taskType and outputDimensionality natively; the app gets unit-length vectors of that size, in order', async () => {
    const [a, b] = [truncated(1, 768), truncated(2, 768)];
    fake.script({ kind: 'status', status: 200, body: { embeddings: [{ values: a }, { values: b }] } }); // then :countTokens, answered normally
    const r = await genai(server.baseUrl, { apiKey: 'client-key' }).models.embedContent({
      model: EMBED, contents: ['What is the capital of France?', 'How tall is Mont Blanc?'],
      config: { taskType: 'RETRIEVAL_QUERY', outputDimensionality: 768 },
    });
    const sent = fake.requests[0];
    assert.equal(sent.path, `/v1beta/models/${EMBED}:batchEmbedContents`);
    assert.equal(sent.headers['x-goog-api-key'], 'operator-key');
    assert.deepEqual(sent.body.requests, ['What is the capital of France?', 'How tall is Mont Blanc?'].map((text) => ({
      model: `models/${EMBED}`, content: { parts: [{ text }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 768,
    })));
    const vectors = r.embeddings!.map((e) => e.values!);
    assert.equal(vectors.length, 2);
    for (const [i, v] of vectors.entries()) {
      assert.equal(v.length, 768);
      assert.ok(Math.abs(norm(v) - 1) < 1e-9, `vector ${i} has norm ${norm(v)}`);
      const g = [a, b][i];
      assert.ok(v.every((x, j) => Math.abs(x - g[j] / norm(g)) < 1e-12), `vector ${i} is Google's, in order`);
    }
  });

  it('a RETRIEVAL_DOCUMENT title goes upstream as the title, not into the text; tokens come from the upstream\'s count', async () => {
    fake.script({ kind: 'status', status: 200, body: { embeddings: [{ values: truncated(3, DIMS) }] } });
    const r = await genai(server.baseUrl).models.embedContent({
      model: EMBED, contents: 'Paris is the capital of France.', config: { taskType: 'RETRIEVAL_DOCUMENT', title: 'France' },
    });
    assert.deepEqual(fake.requests[0].body.requests, [{
      model: `models/${EMBED}`, content: { parts: [{ text: 'Paris is the capital of France.' }] }, taskType: 'RETRIEVAL_DOCUMENT', title: 'France',
    }]);
    assert.equal(r.embeddings![0].values!.length, DIMS);
    assert.ok(fake.requests[1].path.endsWith(`/models/${EMBED}:countTokens`));
    for (let i = 0; i < 50 && usage.length === 0; i++) await new Promise((done) => setTimeout(done, 10));
    assert.equal(usage[0]?.method, 'batchEmbedContents');
    assert.ok((usage[0]?.totalTokens ?? 0) > 0, 'metered with the upstream\'s count');
  });

  it('an outputDimensionality above the configured dimensions is refused before reaching the upstream', async () => {
    await sdkError(genai(server.baseUrl).models.embedContent({ model: EMBED, contents: 'x', config: { outputDimensionality: DIMS + 1 } }), 400, 'INVALID_ARGUMENT');
    assert.equal(fake.requests.length, 0);
  });
});
