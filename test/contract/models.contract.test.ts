/**
 * `models.list` / `models.get` through `@google/genai`, against the real server.
 * Expected values are Google's published ListModels data (src/core/catalog/gemini-models.ts cites it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Model } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, rawError, sdkError, TEST_API_KEY } from './helpers/clients.js';

const LOCAL_CONTEXT = 2048;
const BOUND = ['gemini-1.5-flash-002', 'gemini-2.0-flash', 'gemini-2.0-flash-lite', 'gemini-2.5-flash', 'gemini-2.5-pro', 'tiny-local'];
/** The `-latest` aliases whose targets are bound above (gemini-1.5-pro-latest's target is not). */
const ALIASES = ['gemini-1.5-flash-latest', 'gemini-flash-latest', 'gemini-pro-latest', 'gemini-flash-lite-latest'];
const EXPECTED_NAMES = [...BOUND, ...ALIASES].map((id) => `models/${id}`).sort();

describe('models (contract, @google/genai)', () => {
  let server: TestServer;
  const engine = new FakeEngine({ contextTokens: LOCAL_CONTEXT, label: 'fake.gguf' });

  before(async () => {
    server = await startServer({ bindings: BOUND.map((id) => ({ id, engine })) });
  });
  after(() => server?.close());

  it('list() iterates every served model exactly once, aliases included', async () => {
    const ai = genai(server.baseUrl);
    const names: string[] = [];
    for await (const m of await ai.models.list()) names.push(m.name ?? '<no name>');
    assert.deepEqual([...names].sort(), EXPECTED_NAMES);
  });

  it('list({pageSize:2}) pages two at a time and the Pager follows nextPageToken to the end', async () => {
    const ai = genai(server.baseUrl);
    const pager = await ai.models.list({ config: { pageSize: 2 } });
    const pages: string[][] = [pager.page.map((m) => m.name ?? '')];
    while (pager.hasNextPage()) pages.push((await pager.nextPage()).map((m) => m.name ?? ''));
    assert.equal(pages.length, Math.ceil(EXPECTED_NAMES.length / 2), `pages: ${JSON.stringify(pages)}`);
    for (const p of pages.slice(0, -1)) assert.equal(p.length, 2, `a non-final page of size ${p.length}`);
    assert.deepEqual(pages.flat().sort(), EXPECTED_NAMES);

    const all: string[] = [];
    for await (const m of await ai.models.list({ config: { pageSize: 2 } })) all.push(m.name ?? '');
    assert.deepEqual(all.sort(), EXPECTED_NAMES);
  });

  it('raw ListModels: the last page carries no (or an empty) nextPageToken', async () => {
    let token: string | undefined;
    let pages = 0;
    const seen: string[] = [];
    do {
      const url = new URL(`${server.baseUrl}/v1beta/models`);
      url.searchParams.set('pageSize', '4');
      if (token) url.searchParams.set('pageToken', token);
      const res = await fetch(url, { headers: { 'x-goog-api-key': TEST_API_KEY } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await res.json()) as { models: Array<{ name: string }>; nextPageToken?: string };
      assert.ok(body.models.length <= 4);
      seen.push(...body.models.map((m) => m.name));
      token = body.nextPageToken || undefined;
      pages++;
      assert.ok(pages <= EXPECTED_NAMES.length, 'pagination does not terminate');
    } while (token);
    assert.equal(pages, Math.ceil(EXPECTED_NAMES.length / 4));
    assert.deepEqual(seen.sort(), EXPECTED_NAMES);
  });

  it('get("gemini-2.0-flash") returns Google\'s published fields', async () => {
    const m = await genai(server.baseUrl).models.get({ model: 'gemini-2.0-flash' });
    assert.equal(m.name, 'models/gemini-2.0-flash');
    assert.equal(m.displayName, 'Gemini 2.0 Flash');
    assert.equal(m.version, '2.0');
    // Google's 1,048,576, capped at what the bound engine can take (issue 13: context honesty).
    assert.equal(m.inputTokenLimit, Math.min(1_048_576, LOCAL_CONTEXT));
    assert.equal(m.outputTokenLimit, 8192);
    assert.ok(m.supportedActions?.includes('generateContent'), `supportedActions: ${m.supportedActions}`);
    assert.ok(m.supportedActions?.includes('countTokens'), `supportedActions: ${m.supportedActions}`);
    assert.equal(m.temperature, 1);
    assert.equal(m.maxTemperature, 2);
    assert.equal(m.topP, 0.95);
    assert.equal(m.topK, 40);
    assert.notEqual(m.thinking, true, 'gemini-2.0-flash is not a thinking model');
  });

  it('get accepts the "models/" prefixed name too', async () => {
    const m = await genai(server.baseUrl).models.get({ model: 'models/gemini-2.0-flash' });
    assert.equal(m.name, 'models/gemini-2.0-flash');
  });

  it('2.5 models are flagged thinking, with their 65536 output limit and topK 64', async () => {
    const ai = genai(server.baseUrl);
    for (const id of ['gemini-2.5-flash', 'gemini-2.5-pro']) {
      const m = await ai.models.get({ model: id });
      assert.equal(m.thinking, true, `${id}.thinking`);
      assert.equal(m.outputTokenLimit, 65_536, `${id}.outputTokenLimit`);
      assert.equal(m.topK, 64, `${id}.topK`);
    }
  });

  it('a -latest alias resolves under its own name, with its target\'s limits', async () => {
    const ai = genai(server.baseUrl);
    const m = await ai.models.get({ model: 'gemini-flash-latest' });
    assert.equal(m.name, 'models/gemini-flash-latest');
    assert.equal(m.inputTokenLimit, Math.min(1_048_576, LOCAL_CONTEXT));
    assert.equal(m.outputTokenLimit, 65_536);
    assert.equal(m.thinking, true);
    const r = await ai.models.generateContent({ model: 'gemini-flash-latest', contents: 'Hello there' });
    assert.ok((r.text ?? '').length > 0);
  });

  it('a local model is described from its engine (context window as token limit)', async () => {
    const m: Model = await genai(server.baseUrl).models.get({ model: 'tiny-local' });
    assert.equal(m.name, 'models/tiny-local');
    assert.equal(m.inputTokenLimit, LOCAL_CONTEXT);
    assert.ok(m.supportedActions?.includes('generateContent'));
  });

  it('an unknown model is a 404 ApiError with Google\'s GetModel text', async () => {
    // GetModel has its own text (observed against generativelanguage.googleapis.com:
    // "Model is not found: models/invalid-model for api version v1beta", no details);
    // the "... is not found for API version v1beta, or is not supported for <method>" text
    // belongs to the model methods (generateContent, countTokens; see errors.contract.test.ts).
    const ai = genai(server.baseUrl);
    const { body } = await sdkError(ai.models.get({ model: 'nope' }), 404, 'NOT_FOUND');
    assert.equal(body.error.message, 'Model is not found: models/nope for api version v1beta');
    const gen = await sdkError(ai.models.generateContent({ model: 'nope', contents: 'hi' }), 404, 'NOT_FOUND');
    assert.ok(
      gen.body.error.message.startsWith('models/nope is not found for API version v1beta, or is not supported for generateContent'),
      gen.body.error.message,
    );
  });

  it('a Gemini model that is not bound is not served (404, and not listed)', async () => {
    await sdkError(genai(server.baseUrl).models.get({ model: 'gemini-1.5-pro-002' }), 404, 'NOT_FOUND');
    const res = await fetch(`${server.baseUrl}/v1beta/models/gemini-1.5-pro-latest`, { headers: { 'x-goog-api-key': TEST_API_KEY } });
    await rawError(res, 404, 'NOT_FOUND');
  });
});
