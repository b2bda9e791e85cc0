import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Content, GenerateContentRequest, GenerateContentResponse } from '../../api/gemini/types.js';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { MemoryCachedContentStore } from '../../storage/cached-contents/memory-cached-content-store.js';
import { applyCachedContent, cachedPrefixOf, withCachedContentTokens } from './apply-cached-content.js';

const catalog = new ModelCatalog([{ id: 'gemini-2.0-flash', engine: new FakeEngine() }]);
const entry = catalog.get('gemini-2.0-flash')!;
const alice = { caller: { id: 'alice', name: 'alice' }, model: entry };
const q: Content = { role: 'user', parts: [{ text: 'question' }] };

async function setup() {
  const store = new MemoryCachedContentStore();
  const record = await store.create({
    owner: 'alice', model: 'gemini-2.0-flash', totalTokenCount: 42,
    contents: [{ role: 'user', parts: [{ text: 'doc' }] }, { role: 'model', parts: [{ text: 'ok' }] }],
    systemInstruction: { parts: [{ text: 'sys' }] },
    tools: [{ functionDeclarations: [{ name: 'f' }] }],
  }, { ttlMs: 60_000 });
  return { config: { store, minTokens: 0 }, name: `cachedContents/${record.id}` };
}

test('merges the cache\'s parts ahead of the request\'s, and drops the cache\'s name', async () => {
  const { config, name } = await setup();
  const req: GenerateContentRequest = { contents: [q], cachedContent: name, generationConfig: { temperature: 0 }, tools: [] };
  const { req: merged, use } = await applyCachedContent(alice, config, req, catalog);
  assert.deepEqual(merged, {
    contents: [{ role: 'user', parts: [{ text: 'doc' }] }, { role: 'model', parts: [{ text: 'ok' }] }, q],
    systemInstruction: { parts: [{ text: 'sys' }] },
    tools: [{ functionDeclarations: [{ name: 'f' }] }],
    generationConfig: { temperature: 0 },
  });
  assert.deepEqual(cachedPrefixOf(use!, entry, new Map()), { id: name, messageCount: 3 });
  assert.equal(merged.contents[0], use!.contents[0], 'the same part objects, so media resolved for the merged request applies');
});

test('without cachedContent the request passes through; conflicts and unknown caches are Google\'s errors', async () => {
  const { config, name } = await setup();
  const plain: GenerateContentRequest = { contents: [q] };
  assert.equal((await applyCachedContent(alice, config, plain, catalog)).req, plain);
  for (const extra of [{ systemInstruction: { parts: [{ text: 'x' }] } }, { tools: [{ codeExecution: {} }] }, { toolConfig: {} }]) {
    await assert.rejects(applyCachedContent(alice, config, { contents: [q], cachedContent: name, ...extra }, catalog), { code: 'CACHED_CONTENT_CONFLICT' });
  }
  await assert.rejects(applyCachedContent(alice, config, { contents: [q], cachedContent: 'cachedContents/nope' }, catalog), { code: 'CACHED_CONTENT_NOT_FOUND' });
  await assert.rejects(applyCachedContent({ ...alice, caller: { id: 'bob', name: 'bob' } }, config, { contents: [q], cachedContent: name }, catalog), { code: 'CACHED_CONTENT_NOT_FOUND' });
  await assert.rejects(applyCachedContent(alice, undefined, { contents: [q], cachedContent: name }, catalog), { code: 'CACHED_CONTENT_NOT_FOUND' });
});

test('cachedContentTokenCount goes right after promptTokenCount, only on responses with usage', () => {
  const use = { name: 'cachedContents/x', contents: [], totalTokenCount: 7, textOnly: false };
  const response: GenerateContentResponse = { modelVersion: 'm', responseId: 'r', usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 } };
  const r = withCachedContentTokens(response, use);
  assert.deepEqual(Object.keys(r.usageMetadata!), ['promptTokenCount', 'cachedContentTokenCount', 'candidatesTokenCount', 'totalTokenCount']);
  assert.equal(r.usageMetadata?.cachedContentTokenCount, 7);
  const bare = { modelVersion: 'm', responseId: 'r' };
  assert.equal(withCachedContentTokens(bare, use), bare);
  assert.deepEqual(withCachedContentTokens(response, { ...use, textOnly: true }).usageMetadata?.cacheTokensDetails, [{ modality: 'TEXT', tokenCount: 7 }]);
});

test('a cache is text-only when no part of its contents or system instruction is anything but text', async () => {
  const { config, name } = await setup();
  const { use } = await applyCachedContent(alice, config, { contents: [q], cachedContent: name }, catalog);
  assert.equal(use?.textOnly, true);
  const image = await config.store.create({
    owner: 'alice', model: 'gemini-2.0-flash', totalTokenCount: 300,
    contents: [{ role: 'user', parts: [{ text: 'look' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] }],
  }, { ttlMs: 60_000 });
  const withImage = await applyCachedContent(alice, config, { contents: [q], cachedContent: `cachedContents/${image.id}` }, catalog);
  assert.equal(withImage.use?.textOnly, false);
});

test('a -latest alias and the model it resolves to on this server are one model for a cache; other models are not', async () => {
  const served = new ModelCatalog([{ id: 'gemini-2.5-flash', engine: new FakeEngine() }, { id: 'gemini-2.0-flash', engine: new FakeEngine() }]);
  const store = new MemoryCachedContentStore();
  const config = { store, minTokens: 0 };
  const make = async (model: string) => `cachedContents/${(await store.create({ owner: 'alice', model, totalTokenCount: 1, contents: [q] }, { ttlMs: 60_000 })).id}`;
  const viaAlias = await make('gemini-flash-latest');
  const flash = { caller: { id: 'alice', name: 'alice' }, model: served.get('gemini-2.5-flash')! };
  assert.equal(served.get('gemini-flash-latest')?.definition.aliasOf, 'gemini-2.5-flash', 'the alias resolves to the 2.5 Flash this server binds');
  assert.ok((await applyCachedContent(flash, config, { contents: [q], cachedContent: viaAlias }, served)).use);
  const latest = { ...flash, model: served.get('gemini-flash-latest')! };
  assert.ok((await applyCachedContent(latest, config, { contents: [q], cachedContent: await make('gemini-2.5-flash') }, served)).use);
  await assert.rejects(applyCachedContent(flash, config, { contents: [q], cachedContent: await make('gemini-2.0-flash') }, served), { code: 'CACHED_CONTENT_MODEL_MISMATCH' });
});
