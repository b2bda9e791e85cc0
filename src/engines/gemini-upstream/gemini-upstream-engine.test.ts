import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateInput } from '../../core/engine.js';
import { GemserveError } from '../../core/errors.js';
import { FakeEngine } from '../fake/fake-engine.js';
import {
  FAKE_EMBEDDING_DIMENSIONS, googleError, quotaExceeded, startFakeGeminiUpstream, type ScriptedUpstream,
} from '../../../test/fixtures/fake-gemini-upstream.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { input, instantRetries, streamToEnd, user } from '../../../test/fixtures/engine-test-inputs.js';
import { GeminiUpstreamEngine, type GeminiUpstreamEngineOptions } from './gemini-upstream-engine.js';

let fake: ScriptedUpstream;
before(async () => { fake = await startFakeGeminiUpstream(); });
after(async () => { await fake.close(); });

const KEY = 'operator-key';
const make = (over: Partial<GeminiUpstreamEngineOptions> = {}) =>
  new GeminiUpstreamEngine({ baseUrl: fake.url, apiKey: KEY, model: 'gemini-2.5-flash', timeoutMs: 2_000, ...over });

// With embeddingDimensions, so the embeddings case runs too (the fake answers :batchEmbedContents).
runEngineConformance('gemini-upstream (fake Gemini API)', async () => make({ embeddingDimensions: FAKE_EMBEDDING_DIMENSIONS }));

const run = (engine: GeminiUpstreamEngine, inp: GenerateInput = input({ max: 40 })) => streamToEnd(engine, inp);

describe('gemini-upstream against a misbehaving upstream', () => {
  beforeEach(() => fake.reset());

  it('sends the operator key, the model path and the mapped request', async () => {
    const { text, error } = await run(make(), input({ messages: [user('hello')], max: 5, stop: ['zz'] }));
    assert.equal(error, undefined);
    const req = fake.requests[0];
    assert.equal(req.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(req.headers['x-goog-api-key'], KEY);
    assert.deepEqual(req.body.contents, [{ role: 'user', parts: [{ text: 'hello' }] }]);
    assert.deepEqual(req.body.generationConfig, { temperature: 0, seed: 1, maxOutputTokens: 5, stopSequences: ['zz'], candidateCount: 1 });
    assert.equal(text, req.text);
  });

  it('normal: the text is exactly what the upstream sent, tokens are its usage', async () => {
    const { events, text } = await run(make());
    assert.equal(fake.requests.length, 1);
    assert.equal(text, fake.requests[0].text);
    const last = JSON.parse(fake.requests[0].chunks.at(-1)!) as { usageMetadata: { candidatesTokenCount: number; promptTokenCount: number } };
    const tokens = events.reduce((n, e) => n + (e.type === 'text-delta' ? e.tokens : 0), 0);
    assert.equal(tokens, last.usageMetadata.candidatesTokenCount);
    assert.deepEqual(events[0], { type: 'prompt', promptTokens: last.usageMetadata.promptTokenCount, byModality: { TEXT: last.usageMetadata.promptTokenCount } });
  });

  it('slow headers past the timeout: retried, and the answer is complete and unduplicated', async () => {
    fake.script({ kind: 'slow', headersDelayMs: 400 });
    const { text, error } = await run(make({ timeoutMs: 150, ...instantRetries() }));
    assert.equal(error, undefined);
    assert.equal(fake.requests.length, 2);
    assert.equal(text, fake.requests[1].text);
  });

  it('slow chunks within the timeout: no retry, same text', async () => {
    fake.script({ kind: 'slow', chunkDelayMs: 30 });
    const { text, error } = await run(make({ timeoutMs: 500 }));
    assert.equal(error, undefined);
    assert.equal(fake.requests.length, 1);
    assert.equal(text, fake.requests[0].text);
  });

  it('a stall mid-stream past the timeout: 504 after the chunks already sent, never retried', async () => {
    fake.script({ kind: 'slow', chunkDelayMs: 400 });
    const { text, error } = await run(make({ timeoutMs: 150, ...instantRetries() }));
    assert.equal(error?.status, 'DEADLINE_EXCEEDED');
    assert.equal(error?.retryable, true);
    assert.equal(fake.requests.length, 1);
    assert.equal(text, fake.requests[0].text, 'exactly the chunks sent before the stall');
    assert.ok(text.length > 0);
  });

  it('429 with RetryInfo, then OK: waits the RetryInfo delay once and succeeds', async () => {
    fake.script({ kind: 'status', status: 429, body: quotaExceeded('1.5s') });
    const delays: number[] = [];
    const { text, error } = await run(make(instantRetries(delays)));
    assert.equal(error, undefined);
    assert.deepEqual(delays, [1500]);
    assert.equal(fake.requests.length, 2);
    assert.equal(text, fake.requests[1].text);
  });

  it('429 on every attempt: RESOURCE_EXHAUSTED, retryable, with Google message and RetryInfo', async () => {
    fake.script(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 429, body: quotaExceeded('2s') })));
    const { error, events } = await run(make({ retry: { maxAttempts: 3 }, ...instantRetries() }));
    assert.equal(events.length, 0);
    assert.equal(fake.requests.length, 3);
    assert.equal(error?.status, 'RESOURCE_EXHAUSTED');
    assert.equal(error?.httpStatus, 429);
    assert.equal(error?.retryable, true);
    assert.match(error!.message, /You exceeded your current quota/);
    assert.ok(error!.details.some((d) => d['@type'].endsWith('RetryInfo')));
  });

  it('a RetryInfo delay longer than the longest wait: not retried, the 429 goes to the client', async () => {
    fake.script({ kind: 'status', status: 429, body: quotaExceeded('3600s') });
    const { error } = await run(make(instantRetries()));
    assert.equal(fake.requests.length, 1);
    assert.equal(error?.status, 'RESOURCE_EXHAUSTED');
  });

  it('500 twice, then OK: retried with jittered backoff, text exact', async () => {
    const body = googleError(500, 'INTERNAL', 'An internal error has occurred.');
    fake.script({ kind: 'status', status: 500, body }, { kind: 'status', status: 500, body });
    const delays: number[] = [];
    const { text, error } = await run(make({ retry: { initialDelayMs: 100 }, ...instantRetries(delays) }));
    assert.equal(error, undefined);
    assert.deepEqual(delays, [50, 100], 'random 0.5 of 100 ms, then of 200 ms');
    assert.equal(fake.requests.length, 3);
    assert.equal(text, fake.requests[2].text);
  });

  it('503 on every attempt: UNAVAILABLE, retryable', async () => {
    const body = googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    fake.script(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503, body })));
    const { error } = await run(make(instantRetries()));
    assert.equal(fake.requests.length, 4);
    assert.equal(error?.status, 'UNAVAILABLE');
    assert.equal(error?.retryable, true);
    assert.match(error!.message, /The model is overloaded/);
  });

  it('connection dropped before the headers: retried and succeeds', async () => {
    fake.script({ kind: 'drop-before-headers' });
    const { text, error } = await run(make(instantRetries()));
    assert.equal(error, undefined);
    assert.equal(fake.requests.length, 2);
    assert.equal(text, fake.requests[1].text);
  });

  it('connection dropped mid-stream: the chunks sent, then UNAVAILABLE; never retried', async () => {
    fake.script({ kind: 'drop-mid-stream', afterChunks: 2 });
    const { text, error, events } = await run(make(instantRetries()));
    assert.equal(fake.requests.length, 1);
    assert.equal(error?.status, 'UNAVAILABLE');
    assert.equal(error?.retryable, true);
    assert.equal(fake.requests[0].chunks.length, 2);
    assert.equal(text, fake.requests[0].text, 'no chunk lost or repeated');
    assert.equal(events.filter((e) => e.type === 'finish').length, 0);
  });

  it('a malformed chunk mid-stream: the chunks before it, then INTERNAL naming the upstream; never retried', async () => {
    fake.script({ kind: 'malformed', afterChunks: 3 });
    const { text, error } = await run(make(instantRetries()));
    assert.equal(fake.requests.length, 1);
    assert.equal(error?.code, 'UPSTREAM_MALFORMED');
    assert.equal(error?.status, 'INTERNAL');
    assert.equal(text, fake.requests[0].text);
  });

  it('an in-band error event mid-stream: surfaced with its status, never retried', async () => {
    fake.script({ kind: 'error-event', afterChunks: 1, error: { code: 500, message: 'internal', status: 'INTERNAL' } });
    const { text, error } = await run(make(instantRetries()));
    assert.equal(fake.requests.length, 1);
    assert.equal(error?.status, 'UNAVAILABLE');
    assert.equal(text, fake.requests[0].text);
  });

  for (const [code, status, message] of [
    [400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'],
    [403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers.'],
    [404, 'NOT_FOUND', 'models/nope is not found for API version v1beta.'],
  ] as const) {
    it(`${code} ${status}: the same status and message, never retried`, async () => {
      fake.script({ kind: 'status', status: code, body: googleError(code, status, message) });
      const { error } = await run(make(instantRetries()));
      assert.equal(fake.requests.length, 1);
      assert.equal(error?.status, status);
      assert.equal(error?.httpStatus, code);
      assert.equal(error?.message, message);
      assert.equal(error?.retryable, false);
    });
  }

  it('the breaker opens after repeated failures, fails fast, and half-opens after the cool-down', async () => {
    let now = 1_000;
    const engine = make({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 2, coolDownMs: 10_000, now: () => now }, ...instantRetries() });
    const body = googleError(500, 'INTERNAL', 'boom');
    fake.script({ kind: 'status', status: 500, body }, { kind: 'status', status: 500, body });
    assert.equal((await run(engine)).error?.status, 'UNAVAILABLE');
    assert.equal(engine.breaker.state, 'closed');
    assert.equal((await run(engine)).error?.status, 'UNAVAILABLE');
    assert.equal(engine.breaker.state, 'open');
    const fast = await run(engine);
    assert.equal(fast.error?.code, 'CIRCUIT_OPEN');
    assert.equal(fast.error?.httpStatus, 503);
    assert.equal(fast.error?.retryable, true);
    assert.equal(fast.error?.headers['retry-after'], '10');
    assert.equal(fake.requests.length, 2, 'no request while open');
    now += 10_000;
    assert.equal(engine.breaker.state, 'half-open');
    const probe = await run(engine);
    assert.equal(probe.error, undefined);
    assert.equal(engine.breaker.state, 'closed');
    assert.equal(fake.requests.length, 3);
  });

  it('an abort during the backoff ends the stream at once, with no further request', async () => {
    fake.script({ kind: 'status', status: 503, body: googleError(503, 'UNAVAILABLE', 'busy') });
    const engine = make({ retry: { initialDelayMs: 10_000, maxDelayMs: 10_000 }, retryDeps: { random: () => 0.999 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('client left')), 100);
    const started = performance.now();
    await assert.rejects(async () => { for await (const _ of engine.stream({ ...input(), signal: ac.signal })) { /* drain */ } }, /client left/);
    assert.ok(performance.now() - started < 2_000);
    assert.equal(fake.requests.length, 1);
  });

  it('dispose ends a stream in flight', async () => {
    fake.script({ kind: 'slow', chunkDelayMs: 200 });
    const engine = make();
    const it = engine.stream(input({ max: 40 }))[Symbol.asyncIterator]();
    await it.next();
    await engine.dispose();
    await assert.rejects(async () => { for (let r = await it.next(); !r.done; r = await it.next()) { /* drain */ } }, /disposed/);
  });

  it('a 4xx does not count towards the breaker', async () => {
    const engine = make({ breaker: { failureThreshold: 1 }, ...instantRetries() });
    fake.script({ kind: 'status', status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'bad') });
    await run(engine);
    assert.equal(engine.breaker.state, 'closed');
  });

  it('countTokens: retried on 500, then the upstream count', async () => {
    fake.script({ kind: 'status', status: 500, body: googleError(500, 'INTERNAL', 'x') });
    const engine = make(instantRetries());
    const count = await engine.countTokens({ messages: [{ role: 'system', parts: [{ type: 'text', text: 'be brief' }] }, user('one two three')] });
    assert.equal(fake.requests.length, 2);
    assert.ok(fake.requests[1].path.endsWith(':countTokens'));
    assert.deepEqual((fake.requests[1].body.generateContentRequest as { systemInstruction: unknown }).systemInstruction, { role: 'user', parts: [{ text: 'be brief' }] });
    assert.equal(count.total, 7);
  });

  it('maps thinking, tools, logprobs and several candidates', async () => {
    const engine = make();
    const { events } = await run(engine, {
      ...input({ max: 40, candidateCount: 2 }),
      thinking: { budget: 3 },
      logprobs: { top: 2 },
    });
    const cfg = fake.requests[0].body.generationConfig as Record<string, unknown>;
    assert.deepEqual(cfg.thinkingConfig, { thinkingBudget: 3, includeThoughts: true });
    assert.equal(cfg.responseLogprobs, true);
    assert.equal(cfg.logprobs, 2);
    assert.equal(events.filter((e) => e.type === 'text-delta' && e.thought && e.candidate === 1).length, 3);
    assert.equal(events.filter((e) => e.type === 'finish').length, 2);
    const delta = events.find((e) => e.type === 'text-delta' && !e.thought);
    assert.equal(delta?.type === 'text-delta' && delta.logprobs?.[0].top.length, 2);
    const tools = await run(engine, {
      ...input({ max: 40 }),
      tools: { mode: 'any', functions: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] },
    });
    assert.deepEqual((fake.requests[1].body.toolConfig as unknown), { functionCallingConfig: { mode: 'ANY' } });
    const call = tools.events.find((e) => e.type === 'function-call');
    assert.deepEqual(call?.type === 'function-call' && call.args, { city: 'x' });
  });
});

describe('gemini-upstream embeddings (:batchEmbedContents)', () => {
  beforeEach(() => fake.reset());

  const DIMS = 6;
  const signal = new AbortController().signal;
  const embedder = (over: Partial<GeminiUpstreamEngineOptions> = {}) => make({ model: 'gemini-embedding-001', embeddingDimensions: DIMS, ...over });
  /** An unnormalised vector, distinct per seed (what Google returns for a truncated request). */
  const vector = (seed: number, n = DIMS) => Array.from({ length: n }, (_, j) => Math.round(100 * Math.sin(seed * 7 + j)) / 10);
  /** The fake answers with these, as Google's `{embeddings: [{values}]}` (a scripted 200). */
  const embeddings = (...vectors: number[][]) => ({ kind: 'status' as const, status: 200, body: { embeddings: vectors.map((values) => ({ values })) } });
  const counted = (totalTokens: number) => ({ kind: 'status' as const, status: 200, body: { totalTokens } });

  it('forwards the client\'s taskType, title and outputDimensionality natively, the title kept out of the text', async () => {
    fake.script(embeddings(vector(1, 4), vector(2)), counted(5));
    const r = await embedder().embed({
      texts: ['Doc title\nthe body', 'a query'],
      requests: [
        { text: 'the body', taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc title', outputDimensionality: 4 },
        { text: 'a query', taskType: 'RETRIEVAL_QUERY' },
      ],
      signal,
    });
    const req = fake.requests[0];
    assert.equal(req.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    assert.equal(req.headers['x-goog-api-key'], KEY);
    assert.deepEqual(req.body, {
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'the body' }] }, taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc title', outputDimensionality: 4 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a query' }] }, taskType: 'RETRIEVAL_QUERY' },
      ],
    });
    assert.deepEqual(r.vectors, [vector(1, 4), vector(2)], 'Google\'s values as they came, the truncated one included');
  });

  it('without requests (a caller with texts only): the texts, with no fields', async () => {
    fake.script(embeddings(vector(1)), counted(1));
    await embedder().embed({ texts: ['plain'], signal });
    assert.deepEqual(fake.requests[0].body, { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'plain' }] } }] });
  });

  it('keeps the vectors in request order', async () => {
    const vs = [vector(3), vector(4), vector(5), vector(6)];
    fake.script(embeddings(...vs), counted(9));
    const r = await embedder().embed({ texts: ['c', 'd', 'e', 'f'], signal });
    assert.deepEqual(r.vectors, vs);
    assert.deepEqual((fake.requests[0].body.requests as Array<{ content: unknown }>).map((q) => q.content), ['c', 'd', 'e', 'f'].map((text) => ({ parts: [{ text }] })));
  });

  it('tokens: one :countTokens of the texts (title included) on the same model, its total on the first text', async () => {
    fake.script(embeddings(vector(1), vector(2)));
    const r = await embedder().embed({
      texts: ['T\nbody', 'query'], requests: [{ text: 'body', taskType: 'RETRIEVAL_DOCUMENT', title: 'T' }, { text: 'query' }], signal,
    });
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[1].path, '/v1beta/models/gemini-embedding-001:countTokens');
    assert.deepEqual(fake.requests[1].body, { contents: [{ role: 'user', parts: [{ text: 'T\nbody' }] }, { role: 'user', parts: [{ text: 'query' }] }] });
    // What the fake's countTokens answers for these contents (its deterministic tokenizer).
    const total = (await new FakeEngine().countTokens({ messages: [user('T\nbody'), user('query')] })).total;
    assert.ok(total > 0);
    assert.deepEqual(r.tokens, [total, 0]);
  });

  it('countTokens refused (400): ceil(chars / 4) per text, and not asked again', async () => {
    const refused = googleError(400, 'INVALID_ARGUMENT', 'Should provide instances for text model prediction.');
    fake.script(embeddings(vector(1), vector(2)), { kind: 'status', status: 400, body: refused }, embeddings(vector(3)));
    const engine = embedder(instantRetries());
    const r = await engine.embed({ texts: ['12345678', 'héllo wörld'], signal });
    assert.deepEqual(r.vectors, [vector(1), vector(2)], 'the vectors survive a failed count');
    assert.deepEqual(r.tokens, [2, 3]);
    assert.equal(fake.requests.length, 2);
    const again = await engine.embed({ texts: ['a'], signal });
    assert.deepEqual(again.tokens, [1]);
    assert.equal(fake.requests.length, 3, 'the refusal is remembered: no second :countTokens');
  });

  it('countTokens failing (503): the estimate at once, no retry, and asked again next time', async () => {
    const busy = googleError(503, 'UNAVAILABLE', 'busy');
    fake.script(embeddings(vector(1)), { kind: 'status', status: 503, body: busy }, embeddings(vector(2)), counted(7));
    const delays: number[] = [];
    const engine = embedder(instantRetries(delays));
    assert.deepEqual((await engine.embed({ texts: ['abcdefghi'], signal })).tokens, [3]);
    assert.deepEqual(delays, []);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual((await engine.embed({ texts: ['abcdefghi'], signal })).tokens, [7]);
  });

  it('503, then OK: retried with backoff, the answer as Google sent it', async () => {
    fake.script({ kind: 'status', status: 503, body: googleError(503, 'UNAVAILABLE', 'The model is overloaded.') }, embeddings(vector(1)), counted(2));
    const delays: number[] = [];
    const r = await embedder(instantRetries(delays)).embed({ texts: ['x'], signal });
    assert.equal(delays.length, 1);
    assert.deepEqual(fake.requests.map((q) => q.path.split(':').at(-1)), ['batchEmbedContents', 'batchEmbedContents', 'countTokens']);
    assert.deepEqual(r, { vectors: [vector(1)], tokens: [2] });
  });

  it('an upstream 400 (a title without RETRIEVAL_DOCUMENT, say): Google\'s status and message, never retried nor counted', async () => {
    fake.script({ kind: 'status', status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'Title is only supported for RETRIEVAL_DOCUMENT.') });
    await assert.rejects(
      embedder(instantRetries()).embed({ texts: ['x'], requests: [{ text: 'x', title: 'T' }], signal }),
      (e: unknown) => e instanceof GemserveError && e.status === 'INVALID_ARGUMENT' && /Title is only supported/.test(e.message),
    );
    assert.equal(fake.requests.length, 1);
  });

  for (const [name, body, reason] of [
    ['no embeddings array', { embedding: { values: vector(1) } }, /without an embeddings array/],
    ['fewer vectors than texts', { embeddings: [{ values: vector(1) }] }, /asked for 2 embeddings, got 1/],
    ['values that are not numbers', { embeddings: [{ values: vector(1) }, { values: ['0.1', 0.2] }] }, /embedding 1 is not an array of numbers/],
    ['a vector of the wrong length', { embeddings: [{ values: vector(1) }, { values: vector(2, DIMS + 1) }] }, /embedding 1 has 7 values, expected 6 .*embeddingDimensions/],
  ] as const) {
    it(`a malformed answer (${name}): UPSTREAM_MALFORMED naming the upstream, never retried`, async () => {
      fake.script({ kind: 'status', status: 200, body });
      await assert.rejects(
        embedder(instantRetries()).embed({ texts: ['a', 'b'], signal }),
        (e: unknown) => e instanceof GemserveError && e.code === 'UPSTREAM_MALFORMED' && e.message.includes(new URL(fake.url).host) && reason.test(e.message),
      );
      assert.equal(fake.requests.length, 1);
    });
  }

  it('accepts the full vector when the upstream ignored outputDimensionality (the HTTP layer truncates it)', async () => {
    fake.script(embeddings(vector(1)), counted(1));
    const r = await embedder().embed({ texts: ['a'], requests: [{ text: 'a', outputDimensionality: 3 }], signal });
    assert.equal(r.vectors[0].length, DIMS);
  });

  it('capabilities: embeddings only with embeddingDimensions; without, embed is refused before any request', async () => {
    assert.deepEqual(embedder().capabilities.embeddings, { dimensions: DIMS });
    const chat = make();
    assert.equal(chat.capabilities.embeddings, undefined);
    await assert.rejects(chat.embed({ texts: ['a'], signal }), (e: unknown) => e instanceof GemserveError && e.code === 'CAPABILITY_UNSUPPORTED');
    assert.equal(fake.requests.length, 0);
  });
});
