import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { MemoryCachedContentStore } from '../../storage/cached-contents/memory-cached-content-store.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { callerIdOf } from '../../gateway/keys/caller-id.js';
import { createApp } from '../create-app.js';

const MODEL = 'gemini-2.0-flash';
const HOUR = 3600_000;

async function makeApp(minTokens = 0, mountPrefix = '') {
  const clock = new FakeClock();
  const store = new MemoryCachedContentStore({ clock });
  const engine = new FakeEngine();
  const catalog = new ModelCatalog([{ id: MODEL, engine }, { id: 'gemini-2.0-flash-lite', engine }]);
  const app = await createApp({
    catalog, apiKeys: ['alice-key', 'bob-key'], bodyLimitBytes: 1 << 20, mountPrefix,
    cachedContents: { store, minTokens, clock },
  });
  return { app, store, clock, engine };
}

const send = (app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, key = 'alice-key') =>
  app.inject({ method, url, headers: { 'x-goog-api-key': key, 'content-type': 'application/json' }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

const DOC = { role: 'user', parts: [{ text: 'a document worth caching' }] };

describe('cachedContents routes', () => {
  it('create takes proto (snake_case) names, defaults the TTL to one hour, and serves every API version', async () => {
    const { app, engine } = await makeApp(0, '/gemini');
    const res = await send(app, 'POST', '/gemini/v1/cachedContents', {
      model: 'models/gemini-2.0-flash', display_name: 'doc', contents: [DOC], system_instruction: { parts: [{ text: 'be brief' }] },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const total = (await engine.countTokens({
      messages: [{ role: 'system', parts: [{ type: 'text', text: 'be brief' }] }, { role: 'user', parts: [{ type: 'text', text: 'a document worth caching' }] }],
    })).total;
    assert.deepEqual(body, {
      name: body.name, model: `models/${MODEL}`, displayName: 'doc', createTime: '2025-01-01T00:00:00.000Z',
      updateTime: '2025-01-01T00:00:00.000Z', expireTime: '2025-01-01T01:00:00.000Z', usageMetadata: { totalTokenCount: total },
    });
    for (const v of ['v1beta', 'v1alpha']) assert.deepEqual((await send(app, 'GET', `/gemini/${v}/${body.name}`)).json(), body);
  });

  it('a system instruction alone may be cached; nothing at all may not', async () => {
    const { app } = await makeApp();
    assert.equal((await send(app, 'POST', '/v1beta/cachedContents', { model: MODEL, systemInstruction: { parts: [{ text: 'You are terse.' }] } })).statusCode, 200);
    const none = await send(app, 'POST', '/v1beta/cachedContents', { model: MODEL });
    assert.equal(none.statusCode, 400);
    const noModel = await send(app, 'POST', '/v1beta/cachedContents', { contents: [DOC] });
    assert.equal(noModel.statusCode, 400);
    assert.match(noModel.json().error.message, /model is required/);
  });

  it('the cached parts are validated as a generate request\'s are, named under CreateCachedContentRequest', async () => {
    const { app } = await makeApp();
    const res = await send(app, 'POST', '/v1beta/cachedContents', { model: MODEL, contents: [{ role: 'user', parts: [] }] });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.message, '* CreateCachedContentRequest.cached_content.contents[0].parts: contents.parts must not be empty.\n');
    const media = await send(app, 'POST', '/v1beta/cachedContents', {
      model: MODEL, contents: [{ parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] }],
    });
    assert.equal(media.statusCode, 400, 'the media step refuses an image for an engine that does not see');
  });

  it('ttl and expireTime: Duration and Timestamp formats, a oneof, in the future', async () => {
    const { app, clock } = await makeApp();
    const create = (extra: Record<string, unknown>) => send(app, 'POST', '/v1beta/cachedContents', { model: MODEL, contents: [DOC], ...extra });
    assert.equal((await create({ ttl: '1.5s' })).json().expireTime, '2025-01-01T00:00:01.500Z');
    assert.equal((await create({ expire_time: '2025-01-01T02:00:00+01:00' })).json().expireTime, '2025-01-01T01:00:00.000Z');
    for (const bad of [{ ttl: '300' }, { ttl: 300 }, { ttl: '0s' }, { expireTime: 'tomorrow' }, { expireTime: '2024-12-31T23:59:59Z' }, { ttl: '60s', expireTime: '2025-01-02T00:00:00Z' }]) {
      const res = await create(bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(res.json().error.status, 'INVALID_ARGUMENT');
    }
    clock.advance(1);
    assert.equal((await create({})).json().createTime, '2025-01-01T00:00:00.001Z');
  });

  it('the minimum size answers Google\'s text with both counts', async () => {
    const { app } = await makeApp(1000);
    const res = await send(app, 'POST', '/v1beta/cachedContents', { model: MODEL, contents: [DOC] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /^Cached content is too small\. total_token_count=\d+, min_total_token_count=1000$/);
  });

  it('list pages newest first with an opaque token; bad sizes and tokens are 400', async () => {
    const { app, store, clock } = await makeApp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.unshift((await store.create({ owner: callerIdOf('alice-key'), model: MODEL, contents: [DOC], totalTokenCount: 1 }, { ttlMs: HOUR })).id);
      clock.advance(1);
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await send(app, 'GET', `/v1beta/cachedContents?pageSize=2${token ? `&pageToken=${token}` : ''}`);
      const body = res.json() as { cachedContents: Array<{ name: string }>; nextPageToken?: string };
      assert.ok(body.cachedContents.length <= 2);
      seen.push(...body.cachedContents.map((c) => c.name.replace('cachedContents/', '')));
      token = body.nextPageToken;
    } while (token);
    assert.deepEqual(seen, ids);
    assert.deepEqual((await send(app, 'GET', '/v1beta/cachedContents', undefined, 'bob-key')).json(), { cachedContents: [] });
    assert.equal((await send(app, 'GET', '/v1beta/cachedContents?pageSize=x')).statusCode, 400);
    assert.equal((await send(app, 'GET', '/v1beta/cachedContents?pageToken=bogus')).statusCode, 400);
  });

  it('patch changes only the expiration; a mask naming anything else or no expiration is 400', async () => {
    const { app, clock } = await makeApp();
    const name = (await send(app, 'POST', '/v1beta/cachedContents', { model: MODEL, contents: [DOC] })).json().name as string;
    clock.advance(1000);
    const res = await send(app, 'PATCH', `/v1beta/${name}?updateMask=ttl`, { ttl: '60s', displayName: 'ignored' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().expireTime, '2025-01-01T00:01:01.000Z');
    assert.equal(res.json().updateTime, '2025-01-01T00:00:01.000Z');
    assert.equal('displayName' in res.json(), false);
    assert.equal((await send(app, 'PATCH', `/v1beta/${name}?updateMask=expireTime`, { expireTime: '2025-01-01T05:00:00Z' })).json().expireTime, '2025-01-01T05:00:00.000Z');
    assert.equal((await send(app, 'PATCH', `/v1beta/${name}?updateMask=model`, { model: 'x' })).statusCode, 400);
    assert.equal((await send(app, 'PATCH', `/v1beta/${name}`, {})).statusCode, 400);
    assert.equal((await send(app, 'PATCH', `/v1beta/${name}`, { ttl: '60s' }, 'bob-key')).statusCode, 403);
    assert.equal((await send(app, 'PATCH', '/v1beta/cachedContents/nope', { ttl: '60s' })).statusCode, 403);
  });

  it('delete answers {} once, then 403; a :method suffix is an unknown path', async () => {
    const { app } = await makeApp();
    const name = (await send(app, 'POST', '/v1beta/cachedContents', { model: MODEL, contents: [DOC] })).json().name as string;
    assert.equal((await send(app, 'GET', `/v1beta/${name}:foo`)).statusCode, 404);
    assert.equal((await send(app, 'DELETE', `/v1beta/${name}`, undefined, 'bob-key')).statusCode, 403);
    const del = await send(app, 'DELETE', `/v1beta/${name}`);
    assert.equal(del.statusCode, 200);
    assert.deepEqual(del.json(), {});
    assert.deepEqual((await send(app, 'DELETE', `/v1beta/${name}`)).json(), {
      error: { code: 403, message: 'CachedContent not found (or permission denied)', status: 'PERMISSION_DENIED' },
    });
  });

  it('generate: an alias and its target share a cache; a bare id names it too; another model is Google\'s 400', async () => {
    const { app, engine } = await makeApp();
    const name = (await send(app, 'POST', '/v1beta/cachedContents', { model: 'gemini-flash-lite-latest', contents: [DOC] })).json().name as string;
    const ask = (model: string, cachedContent: string) =>
      send(app, 'POST', `/v1beta/models/${model}:generateContent`, { contents: [{ parts: [{ text: 'q' }] }], cachedContent });
    const ok = await ask('gemini-2.0-flash-lite', name);
    assert.equal(ok.statusCode, 200, ok.body);
    const total = (await engine.countTokens({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'a document worth caching' }] }] })).total;
    assert.equal(ok.json().usageMetadata.cachedContentTokenCount, total);
    assert.equal((await ask('gemini-2.0-flash-lite', name.replace('cachedContents/', ''))).statusCode, 200);
    const other = await ask(MODEL, name);
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().error.message,
      `Model used by GenerateContent request (models/${MODEL}) and CachedContent (models/gemini-flash-lite-latest) has to be the same.`);
  });
});
