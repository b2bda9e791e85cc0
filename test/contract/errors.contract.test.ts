/**
 * Every error as clients see it (cloud.google.com/apis/design/errors; the API-key errors as
 * Google answers them, observed): Google's envelope
 * `{"error":{code,message,status,details?}}` with Content-Type application/json, `code` equal to
 * the HTTP status, Google's own texts, and `JSON.parse(err.message)` working on the SDK's ApiError.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { Errors } from '../../src/core/errors.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, parseStrictSse, postJson, rawError, sdkError } from './helpers/clients.js';
import { FailFirstEngine, ScheduledEngine } from './helpers/recording-engine.js';
import { GATED_FIRST_TEXT, GATED_LAST_TEXT, GatedEngine } from './helpers/gated-engine.js';

const MODEL = 'gemini-2.0-flash';
const BODY_LIMIT = 64 * 1024;
const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };
const NOT_FOUND_TEXT = (method: string) =>
  `models/nope is not found for API version v1beta, or is not supported for ${method}. ` +
  'Call ListModels to see the list of available models and their supported methods.';
const NO_KEY_TEXT =
  "Method doesn't allow unregistered callers (callers without established identity). " +
  'Please use API Key or other form of API consumer identity to call this API.';
const BAD_KEY_TEXT = 'API key not valid. Please pass a valid API key.';
const OVERLOADED_TEXT = 'The model is overloaded. Please try again later.';

describe('request errors (contract)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }], bodyLimitBytes: BODY_LIMIT });
  });
  after(() => server?.close());
  const url = (method: string, model = MODEL) => `${server.baseUrl}/v1beta/models/${model}:${method}`;

  it('unknown model: generateContent is a 404 ApiError with Google\'s exact text', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: 'nope', contents: 'hi' }), 404, 'NOT_FOUND');
    assert.equal(body.error.message, NOT_FOUND_TEXT('generateContent'));
  });

  it('unknown model: a stream request is refused before streaming, as application/json 404', async () => {
    const res = await postJson(`${url('streamGenerateContent', 'nope')}?alt=sse`, hello);
    const body = await rawError(res, 404, 'NOT_FOUND');
    assert.equal(body.error.message, NOT_FOUND_TEXT('streamGenerateContent'));
    await sdkError(genai(server.baseUrl).models.generateContentStream({ model: 'nope', contents: 'hi' }), 404, 'NOT_FOUND');
  });

  it('an unknown path is a 404 in Google\'s envelope', async () => {
    const res = await fetch(`${server.baseUrl}/v1beta/nothingHere`, { headers: { 'x-goog-api-key': 'k' } });
    await rawError(res, 404, 'NOT_FOUND');
  });

  it('malformed JSON is 400 INVALID_ARGUMENT "Invalid JSON payload received. ..."', async () => {
    const res = await postJson(url('generateContent'), '{"contents": [');
    const body = await rawError(res, 400, 'INVALID_ARGUMENT');
    assert.ok(body.error.message.startsWith('Invalid JSON payload received.'), body.error.message);
  });

  it('a request without contents is 400 INVALID_ARGUMENT naming contents', async () => {
    const res = await postJson(url('generateContent'), {});
    const body = await rawError(res, 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /contents/);
  });

  it('temperature "hot" is 400 naming the field, with a BadRequest field violation', async () => {
    const { body } = await sdkError(
      genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'hi', config: { temperature: 'hot' as unknown as number } }),
      400, 'INVALID_ARGUMENT',
    );
    assert.match(body.error.message, /temperature/);
    const violations = (body.error.details ?? [])
      .filter((d) => d['@type'] === 'type.googleapis.com/google.rpc.BadRequest')
      .flatMap((d) => (d.fieldViolations as Array<{ field: string }>) ?? []);
    assert.ok(
      violations.some((v) => v.field === 'generation_config.temperature'),
      `no field violation for generation_config.temperature in ${JSON.stringify(body.error.details)}`,
    );
  });

  it('temperature 5 (Google allows 0..2) is 400 naming the field', async () => {
    const { body } = await sdkError(
      genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'hi', config: { temperature: 5 } }),
      400, 'INVALID_ARGUMENT',
    );
    assert.match(body.error.message, /temperature/);
  });

  it('candidateCount 99 (Google allows 1..8) is 400 naming the field', async () => {
    const { body } = await sdkError(
      genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'hi', config: { candidateCount: 99 } }),
      400, 'INVALID_ARGUMENT',
    );
    assert.match(body.error.message, /candidate_?count/i);
  });

  it('a body over the limit is 400 INVALID_ARGUMENT with Google\'s text (raw and through the SDK)', async () => {
    const big = 'x'.repeat(BODY_LIMIT + 1024);
    const res = await postJson(url('generateContent'), { contents: [{ role: 'user', parts: [{ text: big }] }] });
    const body = await rawError(res, 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, `Request payload size exceeds the limit: ${BODY_LIMIT} bytes.`);
    await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: big }), 400, 'INVALID_ARGUMENT');
  });

  it('the server still answers normally after all of the above', async () => {
    const r = await genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there' });
    assert.ok((r.text ?? '').length > 0);
  });
});

describe('API keys (contract)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }], apiKeys: ['good-key', 'other-key'] });
  });
  after(() => server?.close());
  const url = (method: string) => `${server.baseUrl}/v1beta/models/${MODEL}:${method}`;
  const post = (u: string, headers: Record<string, string>) =>
    fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(hello) });

  it('no key: 403 PERMISSION_DENIED with Google\'s "unregistered callers" text', async () => {
    const body = await rawError(await post(url('generateContent'), {}), 403, 'PERMISSION_DENIED');
    assert.equal(body.error.message, NO_KEY_TEXT);
    await rawError(await fetch(`${server.baseUrl}/v1beta/models`), 403, 'PERMISSION_DENIED');
  });

  it('no key on a stream request: the same 403, as JSON, not an event stream', async () => {
    await rawError(await post(`${url('streamGenerateContent')}?alt=sse`, {}), 403, 'PERMISSION_DENIED');
  });

  it('wrong key (SDK header): 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID', async () => {
    const { body } = await sdkError(
      genai(server.baseUrl, { apiKey: 'bad-key' }).models.generateContent({ model: MODEL, contents: 'hi' }),
      400, 'INVALID_ARGUMENT',
    );
    assert.equal(body.error.message, BAD_KEY_TEXT);
    const info = body.error.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
    assert.ok(info, `no ErrorInfo in ${JSON.stringify(body.error.details)}`);
    assert.equal(info.reason, 'API_KEY_INVALID');
    assert.equal(info.domain, 'googleapis.com');
    assert.deepEqual(info.metadata, { service: 'generativelanguage.googleapis.com' });
  });

  it('right key via the SDK\'s x-goog-api-key header', async () => {
    const ai = genai(server.baseUrl, { apiKey: 'good-key' });
    assert.ok(((await ai.models.generateContent({ model: MODEL, contents: 'Hello there' })).text ?? '').length > 0);
    const names: string[] = [];
    for await (const m of await ai.models.list()) names.push(m.name ?? '');
    assert.ok(names.includes(`models/${MODEL}`));
    assert.ok(((await genai(server.baseUrl, { apiKey: 'other-key' }).models.get({ model: MODEL })).name ?? '').length > 0);
  });

  it('right key via ?key= (raw); a wrong ?key= is API_KEY_INVALID', async () => {
    const ok = await post(`${url('generateContent')}?key=good-key`, {});
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.ok(Array.isArray((await ok.json() as { candidates: unknown[] }).candidates));
    const bad = await rawError(await post(`${url('generateContent')}?key=bad-key`, {}), 400, 'INVALID_ARGUMENT');
    assert.equal(bad.error.message, BAD_KEY_TEXT);
  });

  it('right key via Authorization: Bearer (raw); a wrong bearer is refused', async () => {
    const ok = await post(url('generateContent'), { authorization: 'Bearer good-key' });
    assert.equal(ok.status, 200, await ok.text());
    const bad = await post(url('generateContent'), { authorization: 'Bearer bad-key' });
    assert.ok(bad.status >= 400 && bad.status < 500, `a wrong bearer got HTTP ${bad.status}`);
    assert.match(bad.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('streams work with the right key', async () => {
    const stream = await genai(server.baseUrl, { apiKey: 'good-key' }).models.generateContentStream({ model: MODEL, contents: 'Hello there' });
    let text = '';
    for await (const c of stream) text += c.text ?? '';
    assert.ok(text.length > 0);
  });
});

describe('overload: a full scheduler queue (contract)', () => {
  const gated = new GatedEngine();
  const scheduled = new ScheduledEngine(gated, { slots: 1, maxQueue: 0 });
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: scheduled }] });
  });
  after(async () => {
    await gated.dispose();
    await server?.close();
  });

  it('503 UNAVAILABLE "The model is overloaded..." while the only slot is busy; served again once free', { timeout: 15_000 }, async () => {
    const ai = genai(server.baseUrl);
    const busy = ai.models.generateContent({ model: MODEL, contents: 'Hello there' });
    const holder = await gated.call(0);

    const { body } = await sdkError(ai.models.generateContent({ model: MODEL, contents: 'Hello there' }), 503, 'UNAVAILABLE');
    assert.equal(body.error.message, OVERLOADED_TEXT);
    // A stream refused before its first chunk is a plain JSON 503, not a 200 event stream.
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, hello);
    assert.equal((await rawError(res, 503, 'UNAVAILABLE')).error.message, OVERLOADED_TEXT);
    await sdkError(ai.models.generateContentStream({ model: MODEL, contents: 'Hello there' }), 503, 'UNAVAILABLE');

    holder.release();
    assert.equal((await busy).text, GATED_FIRST_TEXT + GATED_LAST_TEXT);

    const next = ai.models.generateContent({ model: MODEL, contents: 'Hello there' });
    (await gated.call(1)).release();
    assert.equal((await next).text, GATED_FIRST_TEXT + GATED_LAST_TEXT);
  });
});

describe('retries (contract)', () => {
  // Fails its first two generations with the scheduler's overload error, then works.
  const flaky = new FailFirstEngine(new FakeEngine(), 2, () => Errors.overloaded());
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: flaky }] });
  });
  after(() => server?.close());

  it('without retryOptions the SDK does not retry: one request, ApiError 503', async () => {
    await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Hello there' }), 503, 'UNAVAILABLE');
    assert.equal(flaky.calls, 1);
  });

  it('with retryOptions {attempts:2} the SDK retries the 503 and succeeds', async () => {
    const ai = genai(server.baseUrl, { httpOptions: { retryOptions: { attempts: 2, initialDelay: 0.01, maxDelay: 0.05, jitter: 0 } } });
    const r = await ai.models.generateContent({ model: MODEL, contents: 'Hello there' });
    assert.ok((r.text ?? '').length > 0);
    assert.equal(flaky.calls, 3);
  });
});

describe('deadline: X-Server-Timeout (contract)', () => {
  // The SDKs send X-Server-Timeout: <s> when httpOptions.timeout is set; the server honours it
  // as a deadline (`SERVER_TIMEOUT_HEADER` in js-genai src/_api_client.ts): Google's 504
  // DEADLINE_EXCEEDED.
  const gated = new GatedEngine();
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: gated }] });
  });
  after(async () => {
    await gated.dispose();
    await server?.close();
  });

  it('a unary request past its deadline is a 504 DEADLINE_EXCEEDED, and the engine is stopped', { timeout: 15_000 }, async () => {
    const n = gated.calls.length;
    const res = postJson(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, hello, { 'x-server-timeout': '1' });
    const call = await gated.call(n);
    await rawError(await res, 504, 'DEADLINE_EXCEEDED');
    await call.aborted.promise;
    await call.ended.promise;
  });

  it('a stream past its deadline ends with an in-band DEADLINE_EXCEEDED error event', { timeout: 15_000 }, async () => {
    const n = gated.calls.length;
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, hello, { 'x-server-timeout': '1' });
    assert.equal(res.status, 200);
    const { raw, events } = parseStrictSse(await res.text());
    assert.ok(raw.at(-1)!.startsWith('{"error":'), raw.at(-1));
    assert.deepEqual({ code: events.at(-1).error.code, status: events.at(-1).error.status }, { code: 504, status: 'DEADLINE_EXCEEDED' });
    await gated.calls[n].aborted.promise;
  });
});
