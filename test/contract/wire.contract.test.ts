/**
 * Raw HTTP wire details: proto3-JSON field names in both spellings and int64-as-string
 * (protobuf.dev/programming-guides/json), `?key=`, unknown fields, path normalisation, a mount
 * prefix, model ids with slashes (the SDKs' `tModel`, js-genai src/_transformers.ts), CORS for
 * browser apps, and /healthz.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { candidateText, genai, postJson, rawError } from './helpers/clients.js';
import { definedSampling, emittedText, flatMessages, RecordingEngine } from './helpers/recording-engine.js';

const MODEL = 'gemini-2.0-flash';
const fake = new FakeEngine();
const rec = new RecordingEngine(fake);
const contents = [{ role: 'user', parts: [{ text: 'Hello there' }] }];

/** The engine-facing part of a recorded generation, without the signal. */
const engineView = () => ({
  messages: flatMessages(rec.last),
  sampling: definedSampling(rec.last),
  candidateCount: rec.last.input.candidateCount,
});

describe('wire format (contract, raw HTTP)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: rec }, { id: 'qwen/qwen3-tiny', engine: rec }] });
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());
  const url = (method: string, model = MODEL) => `${server.baseUrl}/v1beta/models/${model}:${method}`;

  it('unary success is exactly HTTP 200 with application/json (Python accepts nothing else)', async () => {
    const res = await postJson(url('generateContent'), { contents });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
  });

  it('snake_case fields work identically to camelCase', async () => {
    const camel = {
      contents,
      systemInstruction: { parts: [{ text: 'Be terse.' }] },
      generationConfig: {
        maxOutputTokens: 3, stopSequences: ['zzz'], temperature: 0.5, topP: 0.9, topK: 7,
        candidateCount: 2, seed: 4, presencePenalty: 0.1, frequencyPenalty: 0.2,
      },
    };
    const snake = {
      contents,
      system_instruction: { parts: [{ text: 'Be terse.' }] },
      generation_config: {
        max_output_tokens: 3, stop_sequences: ['zzz'], temperature: 0.5, top_p: 0.9, top_k: 7,
        candidate_count: 2, seed: 4, presence_penalty: 0.1, frequency_penalty: 0.2,
      },
    };
    const a = await postJson(url('generateContent'), camel);
    assert.equal(a.status, 200, await a.clone().text());
    const viewCamel = engineView();
    const b = await postJson(url('generateContent'), snake);
    assert.equal(b.status, 200, await b.clone().text());
    const viewSnake = engineView();

    assert.deepEqual(viewCamel, {
      messages: [{ role: 'system', text: 'Be terse.' }, { role: 'user', text: 'Hello there' }],
      sampling: {
        maxOutputTokens: 3, stopSequences: ['zzz'], temperature: 0.5, topP: 0.9, topK: 7,
        seed: 4, presencePenalty: 0.1, frequencyPenalty: 0.2,
      },
      candidateCount: 2,
    });
    assert.deepEqual(viewSnake, viewCamel);
    const ja = await a.json() as any;
    const jb = await b.json() as any;
    delete ja.responseId;
    delete jb.responseId;
    assert.deepEqual(jb, ja);
  });

  it('integers sent as JSON strings are accepted ("maxOutputTokens":"5")', async () => {
    const res = await postJson(url('generateContent'), {
      contents, generationConfig: { maxOutputTokens: '5', candidateCount: '2', topK: '7', seed: '4' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const s = rec.last.input.sampling;
    assert.deepEqual(
      { max: s.maxOutputTokens, topK: s.topK, seed: s.seed, n: rec.last.input.candidateCount },
      { max: 5, topK: 7, seed: 4, n: 2 },
    );
    const body = await res.json() as any;
    assert.equal(body.candidates.length, 2);
  });

  it('unknown fields are Google\'s 400, every one listed, at the top level, in generationConfig and in parts', async () => {
    const res = await postJson(url('generateContent'), {
      contents: [{ role: 'user', parts: [{ text: 'Hello there', someFuturePartField: 1 }] }],
      someFutureField: { x: 1 },
      generationConfig: { seed: 2, madeUpOption: true },
    });
    const body = await rawError(res, 400, 'INVALID_ARGUMENT');
    assert.deepEqual(body.error.message.split('\n'), [
      'Invalid JSON payload received. Unknown name "someFuturePartField" at \'contents[0].parts[0]\': Cannot find field.',
      'Invalid JSON payload received. Unknown name "someFutureField": Cannot find field.',
      'Invalid JSON payload received. Unknown name "madeUpOption" at \'generation_config\': Cannot find field.',
    ]);
  });

  it('a content without role is a user turn', async () => {
    const res = await postJson(url('generateContent'), { contents: [{ parts: [{ text: 'Hello there' }] }] });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(flatMessages(rec.last), [{ role: 'user', text: 'Hello there' }]);
  });

  it('?key= is accepted as the only credential', async () => {
    const res = await fetch(`${url('generateContent')}?key=anything`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents }),
    });
    assert.equal(res.status, 200, await res.text());
  });

  it('a double slash (//v1beta/...) is normalised', async () => {
    const list = await fetch(`${server.baseUrl}//v1beta/models`, { headers: { 'x-goog-api-key': 'k' } });
    assert.equal(list.status, 200);
    const names = ((await list.json()) as { models: Array<{ name: string }> }).models.map((m) => m.name);
    assert.ok(names.includes(`models/${MODEL}`), JSON.stringify(names));
    const gen = await postJson(`${server.baseUrl}//v1beta/models/${MODEL}:generateContent`, { contents });
    assert.equal(gen.status, 200);
  });

  it('a model id containing "/" works through the SDK (models/qwen/qwen3-tiny:generateContent)', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: 'qwen/qwen3-tiny', contents: 'Hello there' });
    assert.equal(r.text, emittedText(rec.last));
    const m = await ai.models.get({ model: 'qwen/qwen3-tiny' });
    assert.equal(m.name, 'models/qwen/qwen3-tiny');
    const c = await ai.models.countTokens({ model: 'qwen/qwen3-tiny', contents: 'Hello there' });
    assert.equal(c.totalTokens, r.usageMetadata?.promptTokenCount);
  });

  it('apiVersion v1 (SDK httpOptions) is served too', async () => {
    const r = await genai(server.baseUrl, { httpOptions: { apiVersion: 'v1' } }).models.generateContent({ model: MODEL, contents: 'Hello there' });
    assert.ok((r.text ?? '').length > 0);
  });

  it('CORS preflight allows the SDK\'s headers, without an API key', async () => {
    const res = await fetch(url('generateContent'), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-goog-api-key,x-goog-api-client,x-server-timeout',
      },
    });
    assert.ok(res.status === 200 || res.status === 204, `preflight status ${res.status}`);
    const allowOrigin = res.headers.get('access-control-allow-origin');
    assert.ok(allowOrigin === '*' || allowOrigin === 'http://localhost:5173', `allow-origin ${allowOrigin}`);
    const methods = (res.headers.get('access-control-allow-methods') ?? '').toUpperCase();
    assert.ok(methods.includes('*') || methods.includes('POST'), `allow-methods ${methods}`);
    const headers = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['content-type', 'x-goog-api-key', 'x-goog-api-client', 'x-server-timeout']) {
      assert.ok(headers.includes('*') || headers.split(/\s*,\s*/).includes(h), `allow-headers "${headers}" lacks ${h}`);
    }
  });

  it('CORS preflight for the resumable upload headers is allowed', async () => {
    const res = await fetch(`${server.baseUrl}/upload/v1beta/files`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'x-goog-upload-protocol,x-goog-upload-command,x-goog-upload-header-content-length,x-goog-upload-header-content-type,x-goog-upload-offset',
      },
    });
    assert.ok(res.status === 200 || res.status === 204, `preflight status ${res.status}`);
    const headers = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['x-goog-upload-protocol', 'x-goog-upload-command', 'x-goog-upload-offset']) {
      assert.ok(headers.includes('*') || headers.split(/\s*,\s*/).includes(h), `allow-headers "${headers}" lacks ${h}`);
    }
  });

  it('CORS responses expose x-goog-upload-url and x-goog-upload-status', async () => {
    const res = await fetch(`${server.baseUrl}/v1beta/models`, { headers: { origin: 'http://localhost:5173', 'x-goog-api-key': 'k' } });
    assert.equal(res.status, 200);
    const allowOrigin = res.headers.get('access-control-allow-origin');
    assert.ok(allowOrigin === '*' || allowOrigin === 'http://localhost:5173', `allow-origin ${allowOrigin}`);
    const expose = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    assert.ok(expose.includes('x-goog-upload-url'), `expose-headers: ${expose}`);
    assert.ok(expose.includes('x-goog-upload-status'), `expose-headers: ${expose}`);
  });

  it('/healthz answers 200 without a key', async () => {
    const res = await fetch(`${server.origin}/healthz`);
    assert.equal(res.status, 200);
  });
});

describe('wire: keys, readiness and the mount prefix (contract)', () => {
  it('/healthz needs no key on a keyed server; CORS preflight needs none either', async () => {
    const server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }], apiKeys: ['good-key'] });
    try {
      assert.equal((await fetch(`${server.origin}/healthz`)).status, 200);
      const pre = await fetch(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-goog-api-key' },
      });
      assert.ok(pre.status === 200 || pre.status === 204, `preflight status ${pre.status}`);
    } finally {
      await server.close();
    }
  });

  it('/healthz is not 200 until isReady() says so', async () => {
    let ready = false;
    const server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }], isReady: () => ready });
    try {
      const before = await fetch(`${server.origin}/healthz`);
      assert.ok(before.status >= 500, `not ready, yet /healthz answered ${before.status}`);
      ready = true;
      assert.equal((await fetch(`${server.origin}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('mountPrefix /gemini: the SDK works with baseUrl http://host:port/gemini; the bare path is not served', async () => {
    const server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }], mountPrefix: '/gemini' });
    try {
      assert.ok(server.baseUrl.endsWith('/gemini'));
      const ai = genai(server.baseUrl);
      const r = await ai.models.generateContent({ model: MODEL, contents: 'Hello there', config: { seed: 1 } });
      assert.ok((r.text ?? '').length > 0);
      let streamed = '';
      for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'Hello there', config: { seed: 1 } })) streamed += c.text ?? '';
      assert.equal(streamed, r.text);
      const names: string[] = [];
      for await (const m of await ai.models.list()) names.push(m.name ?? '');
      assert.ok(names.includes(`models/${MODEL}`));
      assert.equal((await ai.models.countTokens({ model: MODEL, contents: 'Hello there' })).totalTokens, r.usageMetadata?.promptTokenCount);

      const bare = await fetch(`${server.origin}/v1beta/models`, { headers: { 'x-goog-api-key': 'k' } });
      await rawError(bare, 404, 'NOT_FOUND');
    } finally {
      await server.close();
    }
  });
});
