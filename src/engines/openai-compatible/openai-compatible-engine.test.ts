import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateInput } from '../../core/engine.js';
import {
  FAKE_EMBEDDING_DIMENSIONS, openAiError, startFakeOpenAiUpstream, type ScriptedUpstream,
} from '../../../test/fixtures/fake-openai-upstream.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { input, instantRetries, streamToEnd, user } from '../../../test/fixtures/engine-test-inputs.js';
import { OpenAiCompatibleEngine, type OpenAiCompatibleEngineOptions } from './openai-compatible-engine.js';

let fake: ScriptedUpstream;
let quiet: ScriptedUpstream;
before(async () => {
  fake = await startFakeOpenAiUpstream();
  quiet = await startFakeOpenAiUpstream({ noUsage: true });
});
after(async () => {
  await fake.close();
  await quiet.close();
});

const CAPS = { structuredOutput: true, functionCalling: true, thinking: true, logprobs: true, inputModalities: ['IMAGE' as const] };
const make = (over: Partial<OpenAiCompatibleEngineOptions> = {}) =>
  new OpenAiCompatibleEngine({ baseUrl: `${fake.url}/v1`, model: 'qwen3:0.6b', apiKey: 'local-key', timeoutMs: 2_000, capabilities: CAPS, ...over });

// With embeddingDimensions, so the embeddings case runs too (the fake answers /v1/embeddings).
runEngineConformance(
  'openai-compatible (fake /v1/chat/completions)',
  async () => make({ capabilities: { ...CAPS, embeddingDimensions: FAKE_EMBEDDING_DIMENSIONS } }),
);

const run = (engine: OpenAiCompatibleEngine, inp: GenerateInput = input({ max: 40 })) => streamToEnd(engine, inp);

/** The streamed requests (the first request of a stream is its prompt count). */
const streamed = () => fake.requests.filter((r) => r.body.stream === true);

describe('openai-compatible against a misbehaving upstream', () => {
  beforeEach(() => { fake.reset(); quiet.reset(); });

  it('maps the request: messages, images as data URIs, sampling, stream options, bearer key', async () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const { error, text } = await run(make(), {
      ...input({ max: 7, stop: ['zz'] }),
      messages: [
        { role: 'system', parts: [{ type: 'text', text: 'be brief' }] },
        { role: 'user', parts: [{ type: 'text', text: 'what is it?' }, { type: 'image', mimeType: 'image/png', data: png }] },
      ],
    });
    assert.equal(error, undefined);
    const req = streamed()[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer local-key');
    assert.deepEqual(req.body.messages, [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'what is it?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } }] },
    ]);
    assert.equal(req.body.max_tokens, 7);
    assert.deepEqual(req.body.stop, ['zz']);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.equal(text, req.text);
  });

  it('function calls and their results round-trip as tool_calls and tool messages', async () => {
    const tools = { mode: 'auto' as const, functions: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] };
    const first = await run(make(), { ...input({ max: 40 }), tools });
    const call = first.events.find((e) => e.type === 'function-call');
    assert.deepEqual(call?.type === 'function-call' && [call.name, call.args], ['get_weather', { city: 'x' }]);
    assert.equal(streamed()[0].body.tool_choice, 'auto');
    fake.reset();
    const second = await run(make(), {
      ...input({ max: 40 }),
      tools,
      messages: [
        user('weather?'),
        { role: 'model', parts: [{ type: 'function-call', name: 'get_weather', args: { city: 'x' } }] },
        { role: 'user', parts: [{ type: 'function-response', name: 'get_weather', response: { temp: 20 } }] },
      ],
    });
    assert.equal(second.error, undefined);
    assert.deepEqual((streamed()[0].body.messages as unknown[]).slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"x"}' } }] },
      { role: 'tool', tool_call_id: 'call_1_0', content: '{"temp":20}' },
    ]);
    assert.ok(second.text.length > 0);
  });

  it('logprobs, thoughts, json_schema and unquoted enum replies', async () => {
    const lp = await run(make(), { ...input({ max: 40 }), logprobs: { top: 2 } });
    const delta = lp.events.find((e) => e.type === 'text-delta');
    assert.equal(delta?.type === 'text-delta' && delta.logprobs?.[0].top.length, 2);
    const e = await run(make(), { ...input({ max: 8 }), responseFormat: { type: 'enum', values: ['yes', 'no'] } });
    assert.equal(e.text, 'yes');
    const body = fake.requests.at(-1)!.body;
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'string', enum: ['yes', 'no'] } } });
  });

  it('without usage from the upstream, each chunk counts as one token', async () => {
    const engine = make({ baseUrl: `${quiet.url}/v1` });
    const { events, text, error } = await run(engine, input({ max: 3 }));
    assert.equal(error, undefined);
    assert.equal(events.reduce((n, e) => n + (e.type === 'text-delta' ? e.tokens : 0), 0), 3);
    assert.equal(text, quiet.requests.at(-1)!.text);
  });

  it('a later candidate whose request fails before its first chunk is retried; nothing repeats', async () => {
    fake.script({ kind: 'normal' }, { kind: 'normal' }, { kind: 'status', status: 500, body: openAiError('oops', 'server_error') });
    const { events, error } = await run(make(instantRetries()), input({ max: 40, candidateCount: 2 }));
    assert.equal(error, undefined);
    const texts = [0, 1].map((c) => events.map((e) => (e.type === 'text-delta' && e.candidate === c ? e.text : '')).join(''));
    assert.deepEqual(texts, [streamed()[0].text, streamed()[2].text]);
    assert.equal(streamed()[1].text, '');
    assert.equal(events.filter((e) => e.type === 'finish').length, 2);
    assert.equal(events.filter((e) => e.type === 'prompt').length, 1);
  });

  it('slow headers past the timeout: retried, text exact', async () => {
    // Request 1 is the prompt count; request 2 the stream.
    fake.script({ kind: 'normal' }, { kind: 'slow', headersDelayMs: 400 });
    const { text, error } = await run(make({ timeoutMs: 150, ...instantRetries() }));
    assert.equal(error, undefined);
    assert.equal(streamed().length, 2);
    assert.equal(text, streamed()[1].text);
  });

  it('a stall mid-stream past the timeout: 504 after the chunks sent, never retried', async () => {
    fake.script({ kind: 'normal' }, { kind: 'slow', chunkDelayMs: 400 });
    const { text, error } = await run(make({ timeoutMs: 150, ...instantRetries() }));
    assert.equal(error?.status, 'DEADLINE_EXCEEDED');
    assert.equal(streamed().length, 1);
    assert.equal(text, streamed()[0].text);
    assert.ok(text.length > 0);
  });

  it('429 with Retry-After, then OK: waits the hint and succeeds', async () => {
    fake.script({ kind: 'normal' }, { kind: 'status', status: 429, body: openAiError('Rate limit reached', 'rate_limit'), headers: { 'retry-after': '2' } });
    const delays: number[] = [];
    const { text, error } = await run(make(instantRetries(delays)));
    assert.equal(error, undefined);
    assert.deepEqual(delays, [2000]);
    assert.equal(text, streamed()[1].text);
  });

  it('429 on every attempt: RESOURCE_EXHAUSTED with the upstream message, retryable', async () => {
    fake.script(...Array.from({ length: 2 }, () => ({ kind: 'status' as const, status: 429, body: { error: 'too many requests' } })));
    const { error, events } = await run(make({ retry: { maxAttempts: 2 }, ...instantRetries() }));
    assert.equal(events.length, 0);
    assert.equal(fake.requests.length, 2);
    assert.equal(error?.status, 'RESOURCE_EXHAUSTED');
    assert.equal(error?.message, 'too many requests');
    assert.equal(error?.retryable, true);
  });

  it('500 three times, then OK: retried, text exact', async () => {
    const s500 = { kind: 'status' as const, status: 500, body: openAiError('CUDA out of memory', 'server_error') };
    fake.script({ kind: 'normal' }, s500, s500, s500);
    const { text, error } = await run(make(instantRetries()));
    assert.equal(error, undefined);
    assert.equal(fake.requests.length, 5);
    assert.equal(text, fake.requests[4].text);
  });

  it('502 on every attempt: UNAVAILABLE naming the upstream', async () => {
    const s502 = { kind: 'status' as const, status: 502, body: 'Bad Gateway' };
    fake.script(...Array.from({ length: 4 }, () => s502));
    const { error } = await run(make(instantRetries()));
    assert.equal(error?.status, 'UNAVAILABLE');
    assert.equal(error?.retryable, true);
    assert.match(error!.message, /127\.0\.0\.1:\d+ is unavailable: HTTP 502/);
  });

  it('connection dropped before the headers: retried and succeeds', async () => {
    fake.script({ kind: 'normal' }, { kind: 'drop-before-headers' });
    const { text, error } = await run(make(instantRetries()));
    assert.equal(error, undefined);
    assert.equal(text, streamed()[1].text);
  });

  it('connection dropped mid-stream: the chunks sent, then UNAVAILABLE; never retried', async () => {
    fake.script({ kind: 'normal' }, { kind: 'drop-mid-stream', afterChunks: 3 });
    const { text, error, events } = await run(make(instantRetries()));
    assert.equal(streamed().length, 1);
    assert.equal(error?.status, 'UNAVAILABLE');
    assert.equal(text, streamed()[0].text);
    assert.equal(events.filter((e) => e.type === 'text-delta').length, 3);
  });

  it('a malformed chunk mid-stream: the chunks before it, then INTERNAL; never retried', async () => {
    fake.script({ kind: 'normal' }, { kind: 'malformed', afterChunks: 2 });
    const { text, error } = await run(make(instantRetries()));
    assert.equal(streamed().length, 1);
    assert.equal(error?.code, 'UPSTREAM_MALFORMED');
    assert.equal(text, streamed()[0].text);
  });

  it('an in-band error event: surfaced, never retried', async () => {
    fake.script({ kind: 'normal' }, { kind: 'error-event', afterChunks: 2, error: { code: 500, message: 'slot crashed' } });
    const { text, error } = await run(make(instantRetries()));
    assert.equal(streamed().length, 1);
    assert.equal(error?.status, 'UNAVAILABLE');
    assert.match(error!.message, /slot crashed/);
    assert.equal(text, streamed()[0].text);
  });

  for (const [code, status] of [[400, 'INVALID_ARGUMENT'], [401, 'UNAUTHENTICATED'], [404, 'NOT_FOUND']] as const) {
    it(`${code}: ${status} with the upstream's message, never retried`, async () => {
      fake.script({ kind: 'status', status: code, body: openAiError(`model "nope" failed (${code})`) });
      const { error } = await run(make(instantRetries()));
      assert.equal(fake.requests.length, 1);
      assert.equal(error?.status, status);
      assert.equal(error?.message, `model "nope" failed (${code})`);
      assert.equal(error?.retryable, false);
    });
  }

  it('the breaker opens, fails fast, half-opens after the cool-down and closes on success', async () => {
    let now = 0;
    const engine = make({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 3, coolDownMs: 5_000, now: () => now }, ...instantRetries() });
    fake.script({ kind: 'drop-before-headers' }, { kind: 'drop-before-headers' }, { kind: 'drop-before-headers' });
    for (let i = 0; i < 3; i++) assert.equal((await run(engine)).error?.status, 'UNAVAILABLE');
    assert.equal(engine.breaker.state, 'open');
    const fast = await run(engine);
    assert.equal(fast.error?.code, 'CIRCUIT_OPEN');
    assert.equal(fake.requests.length, 3);
    now = 5_000;
    assert.equal(engine.breaker.state, 'half-open');
    assert.equal((await run(engine)).error, undefined);
    assert.equal(engine.breaker.state, 'closed');
  });

  it('countTokens asks the upstream (max_tokens 1) and is retried on 503', async () => {
    fake.script({ kind: 'status', status: 503, body: openAiError('loading model', 'unavailable') });
    const count = await make(instantRetries()).countTokens({ messages: [user('one two three')] });
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[1].body.max_tokens, 1);
    assert.equal(count.total, 4);
  });
});

describe('openai-compatible embeddings (/v1/embeddings)', () => {
  /** A one-route server answering like vLLM: the vectors in `data` (here reversed, with their index), usage's total. */
  async function embeddingsServer(answer?: (input: string[]) => unknown) {
    const { createServer } = await import('node:http');
    const bodies: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => { raw += c; });
      req.on('end', () => {
        const body = JSON.parse(raw) as { input: string[] };
        bodies.push({ url: req.url, ...body });
        const data = body.input.map((t, index) => ({ index, embedding: [t.length, 1, 0] })).reverse();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer ? answer(body.input) : { data, usage: { prompt_tokens: 7 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/v1`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('sends every text in one request and puts the vectors back in input order', async () => {
    const up = await embeddingsServer();
    try {
      const engine = make({ baseUrl: up.url, model: 'bge-small', capabilities: { embeddingDimensions: 3 } });
      assert.deepEqual(engine.capabilities.embeddings, { dimensions: 3 });
      const r = await engine.embed({ texts: ['a', 'bbb'], signal: new AbortController().signal });
      assert.deepEqual(r.vectors, [[1, 1, 0], [3, 1, 0]]);
      assert.equal(r.tokens.reduce((a, b) => a + b, 0), 7);
      assert.deepEqual(up.bodies, [{ url: '/v1/embeddings', model: 'bge-small', input: ['a', 'bbb'], encoding_format: 'float' }]);
    } finally {
      await up.close();
    }
  });

  it('a vector of the wrong length is a malformed upstream answer, never passed on', async () => {
    const up = await embeddingsServer((input) => ({ data: input.map(() => ({ embedding: [1, 2] })) }));
    try {
      const engine = make({ baseUrl: up.url, capabilities: { embeddingDimensions: 3 } });
      await assert.rejects(engine.embed({ texts: ['a'], signal: new AbortController().signal }), /not 3 numbers/);
    } finally {
      await up.close();
    }
  });

  it('without embeddingDimensions the engine does not embed', async () => {
    assert.equal(make().capabilities.embeddings, undefined);
    await assert.rejects(make().embed({ texts: ['a'], signal: new AbortController().signal }), /Embeddings/);
  });
});
