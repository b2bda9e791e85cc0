/**
 * Context caching (`cachedContents`) driven by @google/genai on the fake engine: the resource's
 * lifecycle (`ai.caches.create/get/list/update/delete`), its use by generateContent,
 * streamGenerateContent and countTokens (the cache's parts head the prompt, the engine is told
 * which prefix is cached, `cachedContentTokenCount` is reported), Google's errors for conflicts,
 * other keys and expiry, and the engine state released on delete and on expiry.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { WarmPrefixInput } from '../../src/core/engine.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { createCachedContentSweeper } from '../../src/generation/cached-contents/release-cached-prefixes.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import type { UsageRecord } from '../../src/gateway/usage-record.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { genai, postJson, rawError, sdkError } from './helpers/clients.js';
import { flatMessages, RecordingEngine } from './helpers/recording-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const OTHER_MODEL = 'gemini-2.5-flash';
const NO_CACHE_MODEL = 'gemini-2.5-flash-image-preview';

/** A recording engine that also records the context-caching calls. */
class CachingEngine extends RecordingEngine {
  readonly warmed: WarmPrefixInput[] = [];
  readonly released: string[] = [];
  failWarm = false;

  async warmCachedPrefix(input: WarmPrefixInput): Promise<void> {
    this.warmed.push(input);
    if (this.failWarm) throw new Error('no memory for it');
  }

  async releaseCachedPrefix(id: string): Promise<void> {
    this.released.push(id);
  }
}

const DOCUMENT = 'The quarterly report says revenue grew by twelve percent while costs stayed flat across all regions.';
const CACHE_CONFIG = {
  displayName: 'report',
  systemInstruction: 'You answer questions about the report.',
  contents: [
    { role: 'user', parts: [{ text: DOCUMENT }] },
    { role: 'model', parts: [{ text: 'I have read the report.' }] },
  ],
  ttl: '300s',
};

describe('cachedContents (contract, fake engine)', () => {
  const clock = new FakeClock();
  const store = new MemoryCachedContentStore({ clock });
  const engine = new CachingEngine(new FakeEngine());
  const other = new CachingEngine(new FakeEngine());
  const usageRecords: UsageRecord[] = [];
  let server: TestServer;
  before(async () => {
    server = await startServer({
      usageSinks: [(r) => { usageRecords.push(r); }],
      bindings: [{ id: MODEL, engine }, { id: OTHER_MODEL, engine: other }, { id: NO_CACHE_MODEL, engine: other }],
      cachedContents: { store, minTokens: 10, clock },
      clock,
    });
  });
  after(() => server?.close());
  beforeEach(() => {
    engine.reset();
    engine.warmed.length = 0;
    engine.released.length = 0;
    engine.failWarm = false;
  });

  const ai = () => genai(server.baseUrl);

  it('create answers Google\'s CachedContent (no cached parts echoed), counts the prefix and warms the engine', async () => {
    const cache = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    assert.match(cache.name ?? '', /^cachedContents\/[a-z0-9]{12}$/);
    assert.equal(cache.model, `models/${MODEL}`);
    assert.equal(cache.displayName, 'report');
    assert.equal(cache.createTime, '2025-01-01T00:00:00.000Z');
    assert.equal(cache.updateTime, cache.createTime);
    assert.equal(cache.expireTime, '2025-01-01T00:05:00.000Z');
    assert.deepEqual(Object.keys(cache).sort(), ['createTime', 'displayName', 'expireTime', 'model', 'name', 'updateTime', 'usageMetadata']);
    assert.equal(engine.warmed.length, 1);
    const warm = engine.warmed[0];
    assert.equal(warm.id, cache.name);
    assert.deepEqual(flatMessages({ input: { messages: warm.messages } }), [
      { role: 'system', text: 'You answer questions about the report.' },
      { role: 'user', text: DOCUMENT },
      { role: 'model', text: 'I have read the report.' },
    ]);
    assert.equal(cache.usageMetadata?.totalTokenCount, (await new FakeEngine().countTokens({ messages: warm.messages })).total);
  });

  it('get, list (paged), update (ttl and expireTime) and delete through the SDK', async () => {
    const a = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    clock.advance(1000);
    const b = await ai().caches.create({ model: MODEL, config: { ...CACHE_CONFIG, displayName: undefined } });
    assert.deepEqual(await ai().caches.get({ name: a.name! }), a);
    assert.equal('displayName' in (await ai().caches.get({ name: b.name! })), false);

    const names: string[] = [];
    for await (const c of await ai().caches.list({ config: { pageSize: 1 } })) names.push(c.name!);
    assert.equal(new Set(names).size, names.length, 'no cache twice across pages');
    assert.deepEqual(names.filter((n) => n === a.name || n === b.name), [b.name, a.name], 'newest first, across pages');

    clock.advance(1000);
    const longer = await ai().caches.update({ name: a.name!, config: { ttl: '7200s' } });
    assert.equal(longer.expireTime, new Date(clock.now() + 7200_000).toISOString());
    assert.equal(longer.updateTime, new Date(clock.now()).toISOString());
    assert.equal(longer.createTime, a.createTime);
    const at = await ai().caches.update({ name: a.name!, config: { expireTime: '2025-01-02T00:00:00Z' } });
    assert.equal(at.expireTime, '2025-01-02T00:00:00.000Z');

    const masked = await fetch(`${server.baseUrl}/v1beta/${a.name}?updateMask=displayName`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' }, body: JSON.stringify({ displayName: 'x' }),
    });
    await rawError(masked, 400, 'INVALID_ARGUMENT');

    await ai().caches.delete({ name: a.name! });
    assert.deepEqual(engine.released, [a.name]);
    await sdkError(ai().caches.get({ name: a.name! }), 403, 'PERMISSION_DENIED');
    await sdkError(ai().caches.delete({ name: a.name! }), 403, 'PERMISSION_DENIED');
    await ai().caches.delete({ name: b.name! });
  });

  it('generateContent with the cache: the engine gets the cache\'s parts first and the cached prefix; usage reports it', async () => {
    const cache = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    const question = 'How much did revenue grow?';
    const withCache = await ai().models.generateContent({ model: MODEL, contents: question, config: { cachedContent: cache.name, temperature: 0 } });
    const used = engine.last.input;
    assert.deepEqual(used.cachedPrefix, { id: cache.name, messageCount: 3 });
    assert.deepEqual(flatMessages(engine.last), [
      { role: 'system', text: 'You answer questions about the report.' },
      { role: 'user', text: DOCUMENT },
      { role: 'model', text: 'I have read the report.' },
      { role: 'user', text: question },
    ]);
    const usage = withCache.usageMetadata!;
    const ledger = usageRecords;
    assert.equal(usage.cachedContentTokenCount, cache.usageMetadata?.totalTokenCount);
    assert.ok(usage.promptTokenCount! > usage.cachedContentTokenCount!, 'promptTokenCount includes the cached tokens');
    assert.deepEqual(usage.cacheTokensDetails, [{ modality: 'TEXT', tokenCount: usage.cachedContentTokenCount }]);
    assert.equal(ledger.at(-1)?.cachedTokens, usage.cachedContentTokenCount, 'the usage ledger records the cached tokens');

    const without = await ai().models.generateContent({
      model: MODEL, contents: [...CACHE_CONFIG.contents, { role: 'user', parts: [{ text: question }] }],
      config: { systemInstruction: CACHE_CONFIG.systemInstruction, temperature: 0 },
    });
    assert.equal(withCache.text, without.text, 'a cache changes nothing in the answer');
    assert.equal(without.usageMetadata?.promptTokenCount, usage.promptTokenCount);
    assert.equal(without.usageMetadata?.cachedContentTokenCount, undefined);
    assert.equal(engine.last.input.cachedPrefix, undefined);
  });

  it('streamGenerateContent reports cachedContentTokenCount on chunks with usage', async () => {
    const cache = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    const chunks = [];
    for await (const c of await ai().models.generateContentStream({ model: MODEL, contents: 'Summarise it.', config: { cachedContent: cache.name } })) chunks.push(c);
    const withUsage = chunks.filter((c) => c.usageMetadata);
    assert.ok(withUsage.length > 0);
    for (const c of withUsage) assert.equal(c.usageMetadata?.cachedContentTokenCount, cache.usageMetadata?.totalTokenCount);
    assert.deepEqual(engine.last.input.cachedPrefix, { id: cache.name, messageCount: 3 });
  });

  it('countTokens of a generateContentRequest naming the cache counts its parts and reports its size', async () => {
    const cache = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:countTokens`, {
      generateContentRequest: { model: `models/${MODEL}`, contents: [{ role: 'user', parts: [{ text: 'How much?' }] }], cachedContent: cache.name },
    });
    assert.equal(res.status, 200);
    const body = await res.json() as { totalTokens: number; cachedContentTokenCount?: number };
    const generated = await ai().models.generateContent({ model: MODEL, contents: 'How much?', config: { cachedContent: cache.name } });
    assert.equal(body.totalTokens, generated.usageMetadata?.promptTokenCount);
    assert.equal(body.cachedContentTokenCount, cache.usageMetadata?.totalTokenCount);
  });

  it('a tools cache: its tools and toolConfig apply; the request may not set its own', async () => {
    const tools = [{ functionDeclarations: [{ name: 'get_revenue', description: 'Revenue of a quarter.' }] }];
    const cache = await ai().caches.create({
      model: MODEL, config: { ...CACHE_CONFIG, tools, toolConfig: { functionCallingConfig: { mode: 'AUTO' as never } } },
    });
    await ai().models.generateContent({ model: MODEL, contents: 'Q3?', config: { cachedContent: cache.name } });
    assert.deepEqual(engine.last.input.tools?.functions.map((f) => f.name), ['get_revenue']);

    const conflict = 'Tool config, tools and system instruction should not be set in the request when using cached content.';
    for (const config of [{ systemInstruction: 'Be brief.' }, { tools }, { toolConfig: { functionCallingConfig: { mode: 'ANY' as never } } }]) {
      const { body } = await sdkError(ai().models.generateContent({ model: MODEL, contents: 'Q3?', config: { cachedContent: cache.name, ...config } }), 400, 'INVALID_ARGUMENT');
      assert.equal(body.error.message, conflict);
    }
    const { body } = await sdkError(
      ai().models.generateContent({ model: OTHER_MODEL, contents: 'Q3?', config: { cachedContent: cache.name } }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, `Model used by GenerateContent request (models/${OTHER_MODEL}) and CachedContent (models/${MODEL}) has to be the same.`);
  });

  it('another key sees none of it: 403 on get, update, delete and use; an empty list', async () => {
    const cache = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    const stranger = genai(server.baseUrl, { apiKey: 'someone-else' });
    for (const call of [
      stranger.caches.get({ name: cache.name! }),
      stranger.caches.update({ name: cache.name!, config: { ttl: '60s' } }),
      stranger.caches.delete({ name: cache.name! }),
      stranger.models.generateContent({ model: MODEL, contents: 'hi', config: { cachedContent: cache.name } }),
    ]) {
      const { body } = await sdkError(call, 403, 'PERMISSION_DENIED');
      assert.equal(body.error.message, 'CachedContent not found (or permission denied)');
    }
    const listed = [];
    for await (const c of await stranger.caches.list()) listed.push(c);
    assert.deepEqual(listed, []);
    assert.ok(await ai().caches.get({ name: cache.name! }));
  });

  it('after expiry: 403 everywhere, and the sweep releases the engine\'s state', async () => {
    const cache = await ai().caches.create({ model: MODEL, config: { ...CACHE_CONFIG, ttl: '60s' } });
    clock.advance(59_999);
    await ai().models.generateContent({ model: MODEL, contents: 'still there?', config: { cachedContent: cache.name } });
    clock.advance(1);
    await sdkError(ai().caches.get({ name: cache.name! }), 403, 'PERMISSION_DENIED');
    await sdkError(ai().models.generateContent({ model: MODEL, contents: 'hi', config: { cachedContent: cache.name } }), 403, 'PERMISSION_DENIED');
    const sweeper = createCachedContentSweeper({ store, catalog: server.catalog, onError: (e) => { throw e; } });
    const swept = await sweeper.sweepNow();
    assert.ok(swept.some((r) => `cachedContents/${r.id}` === cache.name));
    assert.ok(engine.released.includes(cache.name!));
  });

  it('creation errors: too small, a model without createCachedContent, an unknown model, bad ttl; a failed warm-up still creates', async () => {
    const small = await sdkError(ai().caches.create({ model: MODEL, config: { contents: 'Hi' } }), 400, 'INVALID_ARGUMENT');
    assert.match(small.body.error.message, /^Cached content is too small\. total_token_count=\d+, min_total_token_count=10$/);
    const unsupported = await sdkError(ai().caches.create({ model: NO_CACHE_MODEL, config: CACHE_CONFIG }), 404, 'NOT_FOUND');
    assert.match(unsupported.body.error.message, /is not supported for createCachedContent/);
    await sdkError(ai().caches.create({ model: 'gemini-nope', config: CACHE_CONFIG }), 404, 'NOT_FOUND');
    await sdkError(ai().caches.create({ model: MODEL, config: { ...CACHE_CONFIG, ttl: '5 minutes' } }), 400, 'INVALID_ARGUMENT');
    engine.failWarm = true;
    const cache = await ai().caches.create({ model: MODEL, config: CACHE_CONFIG });
    assert.equal(engine.warmed.length, 1);
    assert.ok(await ai().caches.get({ name: cache.name! }));
  });

  it('a server without context caching: the routes are 404, a named cache is 403', async () => {
    await using bare = await startServer({ bindings: [{ id: MODEL, engine }] });
    await sdkError(genai(bare.baseUrl).caches.create({ model: MODEL, config: CACHE_CONFIG }), 404, 'NOT_FOUND');
    await sdkError(genai(bare.baseUrl).models.generateContent({ model: MODEL, contents: 'hi', config: { cachedContent: 'cachedContents/abc' } }), 403, 'PERMISSION_DENIED');
  });
});
