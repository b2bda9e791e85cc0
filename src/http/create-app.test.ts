import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import type { CountTokensInput, Engine, GenerateInput } from '../core/engine.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import type { AppDeps } from './app-deps.js';
import { createApp } from './create-app.js';

/** Delegates to a FakeEngine and records what it was asked, to prove conversions end to end. */
class CapturingEngine implements Engine {
  readonly kind = 'capturing';
  readonly label = 'fake';
  readonly inputs: GenerateInput[] = [];
  readonly #inner = new FakeEngine();
  readonly capabilities = this.#inner.capabilities;
  stream(input: GenerateInput) {
    this.inputs.push(input);
    return this.#inner.stream(input);
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

async function makeApp(overrides: Partial<AppDeps> = {}): Promise<{ app: FastifyInstance; engine: CapturingEngine }> {
  const engine = new CapturingEngine();
  const catalog = new ModelCatalog([
    { id: 'gemini-2.0-flash', engine },
    { id: 'gemini-1.5-flash-002', engine },
    { id: 'tiny-chat', engine },
    { id: 'qwen/qwen3', engine },
  ]);
  const app = await createApp({ catalog, apiKeys: [], bodyLimitBytes: 64 * 1024, ...overrides });
  return { app, engine };
}

const HI = { contents: [{ role: 'user', parts: [{ text: 'Say hello to the world' }] }] };
const post = (app: FastifyInstance, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });

test('models.list pages with an opaque token and no nextPageToken on the last page', async () => {
  const { app } = await makeApp();
  const all = (await app.inject('/v1beta/models')).json();
  assert.deepEqual(all.models.map((m: { name: string }) => m.name), [
    'models/gemini-2.0-flash', 'models/gemini-1.5-flash-002', 'models/tiny-chat', 'models/qwen/qwen3', 'models/gemini-1.5-flash-latest',
  ]);
  assert.equal(all.nextPageToken, undefined);

  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await app.inject({ url: '/v1beta/models', query: { pageSize: '2', ...(token ? { pageToken: token } : {}) } });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    names.push(...body.models.map((m: { name: string }) => m.name));
    token = body.nextPageToken;
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(names, all.models.map((m: { name: string }) => m.name));

  assert.equal((await app.inject('/v1beta/models?pageSize=abc')).json().error.message, `Invalid value at 'page_size' (TYPE_INT32), "abc"`);
  assert.equal((await app.inject('/v1beta/models?pageToken=garbage')).statusCode, 400);
  assert.equal((await app.inject('/v1beta/models?pageSize=5000')).json().models.length, 5);
});

test('models.get: Google\'s Model JSON, ids with slashes, Google\'s 404 text', async () => {
  const { app } = await makeApp();
  const res = await app.inject('/v1beta/models/gemini-2.0-flash');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(res.json()), [
    'name', 'version', 'displayName', 'description', 'inputTokenLimit', 'outputTokenLimit',
    'supportedGenerationMethods', 'temperature', 'topP', 'topK', 'maxTemperature',
  ]);
  assert.equal((await app.inject('/v1beta/models/qwen/qwen3')).json().name, 'models/qwen/qwen3');
  assert.equal((await app.inject('/v1/models/tiny-chat')).json().name, 'models/tiny-chat');
  const missing = await app.inject('/v1beta/models/nope');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { error: { code: 404, message: 'Model is not found: models/nope for api version v1beta', status: 'NOT_FOUND' } });
  assert.match(missing.headers['content-type'] as string, /^application\/json/);
});

test('generateContent: Google\'s response shape', async () => {
  const { app } = await makeApp();
  const res = await post(app, '/v1beta/models/gemini-2.0-flash:generateContent', HI);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
  const [c] = body.candidates;
  assert.equal(c.content.role, 'model');
  assert.ok(c.content.parts[0].text.length > 0);
  assert.equal(c.finishReason, 'STOP');
  assert.equal(c.index, 0);
  const u = body.usageMetadata;
  assert.equal(u.totalTokenCount, u.promptTokenCount + u.candidatesTokenCount);
  assert.deepEqual(u.promptTokensDetails, [{ modality: 'TEXT', tokenCount: u.promptTokenCount }]);
  assert.equal(body.modelVersion, 'gemini-2.0-flash');
  assert.match(body.responseId, /^[A-Za-z0-9_-]{22}$/);
  const again = (await post(app, '/v1beta/models/gemini-2.0-flash:generateContent', HI)).json();
  assert.notEqual(again.responseId, body.responseId);
  assert.equal(again.candidates[0].content.parts[0].text, c.content.parts[0].text, 'the fake engine is deterministic');
});

test('an alias reports the model that ran, as Google does', async () => {
  const { app } = await makeApp();
  const body = (await post(app, '/v1beta/models/gemini-1.5-flash-latest:generateContent', HI)).json();
  assert.equal(body.modelVersion, 'gemini-1.5-flash-002');
});

test('countTokens: both shapes equal the promptTokenCount of generateContent', async () => {
  const { app } = await makeApp();
  const system = { parts: [{ text: 'You are terse.' }] };
  const gen = (await post(app, '/v1beta/models/tiny-chat:generateContent', { ...HI, systemInstruction: system })).json();
  const plain = (await post(app, '/v1beta/models/tiny-chat:countTokens', HI)).json();
  const nested = (await post(app, '/v1beta/models/tiny-chat:countTokens', {
    generateContentRequest: { model: 'models/tiny-chat', ...HI, systemInstruction: system },
  })).json();
  const genPlain = (await post(app, '/v1beta/models/tiny-chat:generateContent', HI)).json();
  assert.equal(nested.totalTokens, gen.usageMetadata.promptTokenCount);
  assert.equal(plain.totalTokens, genPlain.usageMetadata.promptTokenCount);
  assert.ok(nested.totalTokens > plain.totalTokens);
  assert.deepEqual(plain.promptTokensDetails, [{ modality: 'TEXT', tokenCount: plain.totalTokens }]);
  const snake = (await post(app, '/v1beta/models/tiny-chat:countTokens', {
    generate_content_request: { contents: HI.contents, system_instruction: system },
  })).json();
  assert.equal(snake.totalTokens, nested.totalTokens);
});

test('snake_case bodies and numbers-as-strings reach the engine converted', async () => {
  const { app, engine } = await makeApp();
  const res = await post(app, '/v1beta/models/gemini-2.0-flash:generateContent', {
    system_instruction: { parts: [{ text: 'Be brief.' }] },
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    generation_config: { max_output_tokens: '3', top_p: 0.5, top_k: '7', stop_sequences: ['zzz'], candidate_count: 2, seed: '9' },
    safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
  });
  assert.equal(res.statusCode, 200);
  const input = engine.inputs.at(-1)!;
  assert.deepEqual(input.messages, [
    { role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] },
    { role: 'user', parts: [{ type: 'text', text: 'hi' }] },
  ]);
  assert.deepEqual(input.sampling, { temperature: 1, topP: 0.5, topK: 7, maxOutputTokens: 3, stopSequences: ['zzz'], seed: 9 });
  assert.equal(input.candidateCount, 2);
  assert.equal(res.json().candidates.length, 2);
  assert.equal(res.json().candidates[1].index, 1);
});

test('top_k above 40 on a 1.5 "002" model is clamped to 40, not refused', async () => {
  const { app, engine } = await makeApp();
  const res = await post(app, '/v1beta/models/gemini-1.5-flash-002:generateContent', { ...HI, generationConfig: { topK: 100 } });
  assert.equal(res.statusCode, 200);
  assert.equal(engine.inputs.at(-1)!.sampling.topK, 40);
  await post(app, '/v1beta/models/gemini-2.0-flash:generateContent', { ...HI, generationConfig: { topK: 100 } });
  assert.equal(engine.inputs.at(-1)!.sampling.topK, 100);
});

test('invalid fields: 400 INVALID_ARGUMENT naming the field', async () => {
  const { app } = await makeApp();
  const url = '/v1beta/models/gemini-2.0-flash:generateContent';
  const cases: Array<[unknown, string, string]> = [
    [{ ...HI, generationConfig: { temperature: 'hot' } }, 'generation_config.temperature', `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`],
    [{ ...HI, generationConfig: { temperature: 3 } }, 'generation_config.temperature', '* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0].\n'],
    [{ ...HI, generationConfig: { candidateCount: 9 } }, 'generation_config.candidate_count', '* GenerateContentRequest.generation_config.candidate_count: candidate_count must be in the range [1, 8].\n'],
    [{ ...HI, generationConfig: { topP: 2 } }, 'generation_config.top_p', '* GenerateContentRequest.generation_config.top_p: top_p must be in the range [0.0, 1.0].\n'],
    [{ ...HI, generationConfig: { maxOutputTokens: 0 } }, 'generation_config.max_output_tokens', '* GenerateContentRequest.generation_config.max_output_tokens: max_output_tokens must be positive.\n'],
    [{ ...HI, generationConfig: { stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'] } }, 'generation_config.stop_sequences', '* GenerateContentRequest.generation_config.stop_sequences: stop_sequences must have at most 5 elements.\n'],
    [{}, 'contents', '* GenerateContentRequest.contents: contents is not specified\n'],
    [{ contents: [{ role: 'user', parts: [] }] }, 'contents[0].parts', '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n'],
    [{ contents: [{ role: 'bot', parts: [{ text: 'x' }] }] }, 'contents[0].role', 'Please use a valid role: user, model.'],
  ];
  for (const [payload, field, message] of cases) {
    const res = await post(app, url, payload);
    assert.equal(res.statusCode, 400, message);
    const { error } = res.json();
    assert.equal(error.status, 'INVALID_ARGUMENT');
    assert.equal(error.message, message);
    assert.deepEqual(error.details, [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] }]);
  }
  // An empty POST body is an empty request, as with Google.
  const empty = await app.inject({ method: 'POST', url });
  assert.equal(empty.json().error.message, '* GenerateContentRequest.contents: contents is not specified\n');
});

test('unsupported capabilities are refused before the engine runs', async () => {
  const { app, engine } = await makeApp();
  const url = '/v1beta/models/gemini-2.0-flash:generateContent';
  const inline = await post(app, url, { contents: [{ parts: [{ text: 'what is this?' }, { inline_data: { mime_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] });
  assert.equal(inline.statusCode, 400);
  // The media step names the part; the fake engine sees no images.
  assert.match(inline.json().error.message, /Image input \(contents\[0\]\.parts\[1\]\.inline_data, image\/png\) is not supported by models\/gemini-2\.0-flash/);
  const json = await post(app, url, { ...HI, generationConfig: { responseMimeType: 'application/json' } });
  assert.equal(json.statusCode, 400);
  const cached = await post(app, url, { ...HI, cachedContent: 'cachedContents/x' });
  assert.deepEqual(cached.json(), { error: { code: 403, message: 'CachedContent not found (or permission denied)', status: 'PERMISSION_DENIED' } });
  assert.equal(engine.inputs.length, 0);
});

test('malformed JSON, non-JSON content types, oversized bodies', async () => {
  const { app } = await makeApp({ bodyLimitBytes: 1024 });
  const url = '/v1beta/models/gemini-2.0-flash:generateContent';
  const bad = await app.inject({ method: 'POST', url, payload: '{"contents": [}', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.status, 'INVALID_ARGUMENT');
  assert.match(bad.json().error.message, /^Invalid JSON payload received\. Unexpected token\./);
  const array = await app.inject({ method: 'POST', url, payload: '[]', headers: { 'content-type': 'application/json' } });
  assert.match(array.json().error.message, /^Invalid JSON payload received\./);

  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(HI), headers: { 'content-type': type } });
    assert.equal(res.statusCode, 200, type);
  }

  const big = await app.inject({ method: 'POST', url, payload: JSON.stringify({ contents: [{ parts: [{ text: 'x'.repeat(4096) }] }] }), headers: { 'content-type': 'application/json' } });
  assert.equal(big.statusCode, 400);
  assert.deepEqual(big.json(), { error: { code: 400, message: 'Request payload size exceeds the limit: 1024 bytes.', status: 'INVALID_ARGUMENT' } });
});

test('routing: unknown model, unserved methods, unknown paths, wrong HTTP method, tunedModels', async () => {
  const { app } = await makeApp();
  const unknown = await post(app, '/v1beta/models/gemini-9:generateContent', HI);
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().error.message,
    'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.');
  const embed = await post(app, '/v1beta/models/gemini-2.0-flash:embedContent', {});
  assert.equal(embed.statusCode, 404);
  assert.match(embed.json().error.message, /is not supported for embedContent\./);
  assert.equal((await post(app, '/v1beta/models/gemini-2.0-flash:batchEmbedContents', {})).statusCode, 404);
  assert.equal((await post(app, '/v1beta/models/qwen/qwen3:generateContent', HI)).statusCode, 200);
  assert.equal((await post(app, '/v1alpha/models/tiny-chat:countTokens', HI)).statusCode, 200);
  assert.equal((await post(app, '/v1beta/tunedModels/tiny-chat:generateContent', HI)).statusCode, 200);

  const nowhere = await app.inject('/v2/models?key=secret');
  assert.equal(nowhere.statusCode, 404);
  assert.deepEqual(nowhere.json(), { error: { code: 404, message: 'The requested URL /v2/models was not found on this server.', status: 'NOT_FOUND' } });
  const wrongMethod = await app.inject({ method: 'DELETE', url: '/v1beta/models/gemini-2.0-flash' });
  assert.equal(wrongMethod.statusCode, 404);
  assert.equal(wrongMethod.json().error.status, 'NOT_FOUND');
  assert.equal((await post(app, '/v1beta/models', {})).statusCode, 404);
  assert.equal((await post(app, '/v1beta/models/gemini-2.0-flash', HI)).statusCode, 404);
});

test('mount prefix and `//` runs', async () => {
  const { app } = await makeApp({ mountPrefix: '/gemini/' });
  assert.equal((await app.inject('/gemini/v1beta/models/tiny-chat')).statusCode, 200);
  assert.equal((await post(app, '/gemini//v1beta/models/tiny-chat:generateContent', HI)).statusCode, 200);
  assert.equal((await app.inject('//gemini//v1beta//models')).statusCode, 200);
  assert.equal((await app.inject('/v1beta/models')).statusCode, 404);
  assert.equal((await app.inject('/gemini/healthz')).statusCode, 200);
  assert.equal((await app.inject('/healthz')).statusCode, 200);
});

test('auth: no keys configured accepts anything', async () => {
  const { app } = await makeApp();
  assert.equal((await app.inject('/v1beta/models')).statusCode, 200);
  assert.equal((await app.inject({ url: '/v1beta/models', headers: { 'x-goog-api-key': 'whatever' } })).statusCode, 200);
});

test('auth: header, ?key= and Bearer; missing → 403, unknown → 400 API_KEY_INVALID', async () => {
  const { app } = await makeApp({ apiKeys: ['k1', 'second-key'] });
  for (const opts of [
    { url: '/v1beta/models', headers: { 'x-goog-api-key': 'k1' } },
    { url: '/v1beta/models?key=second-key' },
    { url: '/v1beta/models', headers: { authorization: 'Bearer k1' } },
    // The header wins over a wrong query key.
    { url: '/v1beta/models?key=wrong', headers: { 'x-goog-api-key': 'k1' } },
  ]) {
    assert.equal((await app.inject(opts)).statusCode, 200, JSON.stringify(opts));
  }
  const missing = await app.inject('/v1beta/models');
  assert.equal(missing.statusCode, 403);
  assert.deepEqual(missing.json(), { error: {
    code: 403,
    message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    status: 'PERMISSION_DENIED',
  } });
  const wrong = await app.inject({ url: '/v1beta/models', headers: { 'x-goog-api-key': 'k2' } });
  assert.equal(wrong.statusCode, 400);
  const { error } = wrong.json();
  assert.equal(error.status, 'INVALID_ARGUMENT');
  assert.equal(error.message, 'API key not valid. Please pass a valid API key.');
  assert.equal(error.details[0].reason, 'API_KEY_INVALID');
  assert.equal((await app.inject('/v1beta/models?key=')).statusCode, 403);
  // Auth comes before body parsing and routing to a model.
  assert.equal((await app.inject({ method: 'POST', url: '/v1beta/models/tiny-chat:generateContent', payload: '{oops', headers: { 'content-type': 'application/json' } })).statusCode, 403);
  // Health checks and preflights need no key.
  assert.equal((await app.inject('/healthz')).statusCode, 200);
  assert.equal((await app.inject({ method: 'OPTIONS', url: '/v1beta/models', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } })).statusCode, 204);
});

test('healthz follows isReady', async () => {
  let ready = false;
  const { app } = await makeApp({ isReady: () => ready });
  const notReady = await app.inject('/healthz');
  assert.equal(notReady.statusCode, 503);
  assert.deepEqual(notReady.json(), { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
  ready = true;
  const ok = await app.inject('/healthz');
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { status: 'ok' });
});

test('CORS: preflight and response headers', async () => {
  const { app } = await makeApp({ apiKeys: ['k'], allowedOrigins: ['http://app.test'] });
  const pre = await app.inject({
    method: 'OPTIONS',
    url: '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-goog-api-key,x-custom' },
  });
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'http://app.test');
  assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST, PATCH, DELETE, OPTIONS');
  const allowed = String(pre.headers['access-control-allow-headers']);
  for (const h of ['content-type', 'x-goog-api-key', 'x-goog-api-client', 'x-goog-upload-protocol', 'x-goog-upload-command', 'x-goog-upload-header-content-length',
    'x-goog-upload-header-content-type', 'x-goog-upload-offset', 'x-goog-upload-file-name', 'x-server-timeout', 'authorization', 'x-custom']) {
    assert.ok(allowed.includes(h), h);
  }
  assert.match(String(pre.headers['access-control-expose-headers']), /x-goog-upload-url, x-goog-upload-status, x-goog-upload-size-received, x-goog-upload-chunk-granularity/);
  const res = await app.inject({ url: '/v1beta/models', headers: { origin: 'http://app.test', 'x-goog-api-key': 'k' } });
  assert.equal(res.headers['access-control-allow-origin'], 'http://app.test');
  assert.match(String(res.headers['access-control-expose-headers']), /x-goog-upload-url/);
  const denied = await app.inject({ url: '/v1beta/models', headers: { origin: 'http://app.test' } });
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.headers['access-control-allow-origin'], 'http://app.test', 'errors stay readable by the browser app');
});

test('X-Server-Timeout on unary generateContent → 504 DEADLINE_EXCEEDED', async () => {
  const engine = new FakeEngine({ tokenDelayMs: 50 });
  const app = await createApp({ catalog: new ModelCatalog([{ id: 'slow', engine }]), apiKeys: [], bodyLimitBytes: 65536 });
  const res = await post(app, '/v1beta/models/slow:generateContent', HI, { 'x-server-timeout': '0.1' });
  assert.equal(res.statusCode, 504);
  assert.deepEqual(res.json(), { error: { code: 504, message: 'Deadline expired before operation could complete.', status: 'DEADLINE_EXCEEDED' } });
});

test('an engine that throws becomes 500 INTERNAL with Google\'s text, never the cause', async () => {
  const engine = new FakeEngine({ failAfterTokens: 1 });
  const app = await createApp({ catalog: new ModelCatalog([{ id: 'broken', engine }]), apiKeys: [], bodyLimitBytes: 65536 });
  const res = await post(app, '/v1beta/models/broken:generateContent', HI);
  assert.equal(res.statusCode, 500);
  assert.deepEqual(res.json(), { error: {
    code: 500,
    message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    status: 'INTERNAL',
  } });
});
