import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { MemoryKeyStore } from '../../gateway/keys/memory-key-store.js';
import { signJwt } from '../../gateway/keys/verify-jwt.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import type { AppDeps } from '../app-deps.js';
import { createApp } from '../create-app.js';

const ADMIN = 'admin-secret';
const HI = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

async function makeApp(over: Partial<AppDeps> = {}) {
  const clock = new FakeClock();
  const store = new MemoryKeyStore({ clock });
  const engine = new FakeEngine();
  const catalog = new ModelCatalog([{ id: 'gemini-2.0-flash', engine }, { id: 'tiny-chat', engine }]);
  const app = await createApp({ catalog, apiKeys: [], bodyLimitBytes: 1 << 20, keyStore: store, adminKey: ADMIN, clock, ...over });
  return { app, store, clock };
}

const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, token = ADMIN) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
const generate = (app: FastifyInstance, key: string | undefined, model = 'gemini-2.0-flash') =>
  app.inject({ method: 'POST', url: `/v1beta/models/${model}:generateContent`, payload: HI, headers: key ? { 'x-goog-api-key': key } : {} });

test('admin API: create, get, list, patch, rotate, revoke; secrets only on create and rotate, never a hash', async () => {
  const { app } = await makeApp();
  const created = await admin(app, 'POST', '/admin/v1/keys', { name: 'ci', expiresIn: '1d', allowedModels: ['gemini-2.0-flash'], quotas: { rpm: 5 }, labels: { team: 'ml' } });
  assert.equal(created.statusCode, 200, created.body);
  const { key, secret } = created.json();
  assert.match(secret, /^AIza[\w-]{35}$/);
  assert.deepEqual(key, {
    id: key.id, name: 'ci', createdAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-02T00:00:00.000Z',
    allowedModels: ['gemini-2.0-flash'], quotas: { rpm: 5 }, labels: { team: 'ml' },
  });
  assert.equal((await generate(app, secret)).statusCode, 200);

  assert.deepEqual((await admin(app, 'GET', `/admin/v1/keys/${key.id}`)).json().name, 'ci');
  const listed = await admin(app, 'GET', '/admin/v1/keys');
  assert.deepEqual(listed.json().keys.map((k: { id: string }) => k.id), [key.id]);
  assert.equal(listed.body.includes(secret), false);
  assert.equal(/[0-9a-f]{64}/.test(listed.body), false);

  const patched = await admin(app, 'PATCH', `/admin/v1/keys/${key.id}`, { name: 'ci2', allowedModels: null });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().name, 'ci2');
  assert.equal(patched.json().allowedModels, undefined);

  const rotated = await admin(app, 'POST', `/admin/v1/keys/${key.id}:rotate`, { gracePeriod: '60s' });
  assert.equal(rotated.statusCode, 200, rotated.body);
  assert.equal(rotated.json().key.id, key.id);
  assert.notEqual(rotated.json().secret, secret);
  assert.equal((await generate(app, secret)).statusCode, 200, 'old secret within grace');
  assert.equal((await generate(app, rotated.json().secret)).statusCode, 200);

  const revoked = await admin(app, 'POST', `/admin/v1/keys/${key.id}:revoke`);
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.equal(revoked.json().revokedAt, '2025-01-01T00:00:00.000Z');
  const refused = await generate(app, rotated.json().secret);
  assert.equal(refused.statusCode, 400);
  assert.equal(refused.json().error.details[0].reason, 'API_KEY_INVALID');
  const again = await admin(app, 'POST', `/admin/v1/keys/${key.id}:rotate`);
  assert.equal(again.statusCode, 400);
  assert.equal(again.json().error.status, 'FAILED_PRECONDITION');
});

test('admin API: only the admin key, as a bearer token; API keys do not open it', async () => {
  const { app, store } = await makeApp({ apiKeys: ['static-key'] });
  const { secret } = await store.create({ name: 'user' });
  for (const token of ['wrong', 'static-key', secret]) {
    const res = await admin(app, 'GET', '/admin/v1/keys', undefined, token);
    assert.equal(res.statusCode, 401, token);
    assert.equal(res.json().error.status, 'UNAUTHENTICATED');
    assert.match(res.headers['www-authenticate'] as string, /^Bearer/);
  }
  const noAuth = await app.inject({ method: 'GET', url: '/admin/v1/keys', headers: { 'x-goog-api-key': ADMIN } });
  assert.equal(noAuth.statusCode, 401);
  // The admin key is not an API key either.
  assert.equal((await generate(app, ADMIN)).statusCode, 400);
});

test('admin API: off (404) without an admin key; under the mount prefix with one', async () => {
  const { app } = await makeApp({ adminKey: undefined });
  const res = await admin(app, 'GET', '/admin/v1/keys');
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.status, 'NOT_FOUND');
  const { app: mounted } = await makeApp({ mountPrefix: '/gemini' });
  assert.equal((await admin(mounted, 'GET', '/gemini/admin/v1/keys')).statusCode, 200);
});

test('admin API: errors in Google\'s envelope', async () => {
  const { app } = await makeApp();
  const missing = await admin(app, 'GET', '/admin/v1/keys/key_nope');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { error: { code: 404, message: 'API key key_nope not found.', status: 'NOT_FOUND' } });
  const bad = await admin(app, 'POST', '/admin/v1/keys', { name: '' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.details[0].fieldViolations[0].field, 'name');
  assert.equal((await admin(app, 'POST', '/admin/v1/keys/key_nope:revoke')).statusCode, 404);
  assert.equal((await admin(app, 'POST', '/admin/v1/keys/key_nope:explode')).statusCode, 404);
  assert.equal((await admin(app, 'PATCH', '/admin/v1/keys/key_nope', { name: 'x' })).statusCode, 404);
  const { key } = (await admin(app, 'POST', '/admin/v1/keys', { name: 'a' })).json();
  assert.equal((await admin(app, 'POST', `/admin/v1/keys/${key.id}:rotate`, { gracePeriod: 'soon' })).statusCode, 400);
});

test('API keys: Google\'s errors; a key limited to models gets 403 for others; request.caller set; Files owned by the key id', async () => {
  const { app, store, clock } = await makeApp({ jwtSecret: 'jwt' });
  let seen: unknown;
  app.addHook('preHandler', async (request) => { seen = { caller: request.caller }; });
  const limited = await store.create({ name: 'limited', allowedModels: ['tiny-*'], expiresAt: '2025-01-01T00:10:00.000Z' });
  const noKey = await generate(app, undefined);
  assert.equal(noKey.statusCode, 403);
  assert.equal(noKey.json().error.status, 'PERMISSION_DENIED');
  assert.equal((await generate(app, 'AIzaUnknown')).json().error.message, 'API key not valid. Please pass a valid API key.');
  assert.equal((await generate(app, limited.secret, 'tiny-chat')).statusCode, 200);
  // A managed key owns its Files by its id (the caller's one id), so rotating the secret keeps them.
  assert.deepEqual(seen, { caller: { id: limited.record.id, name: 'limited', allowedModels: ['tiny-*'] } });
  const denied = await generate(app, limited.secret, 'gemini-2.0-flash');
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().error.status, 'PERMISSION_DENIED');
  assert.match(denied.json().error.message, /not allowed to use models\/gemini-2.0-flash/);
  // Listing models is not a model method: allowed.
  assert.equal((await app.inject({ url: '/v1beta/models', headers: { 'x-goog-api-key': limited.secret } })).statusCode, 200);
  clock.advance(10 * 60_000);
  assert.equal((await generate(app, limited.secret, 'tiny-chat')).statusCode, 400);
  const jwt = signJwt({ sub: 'svc', exp: clock.now() / 1000 + 60 }, 'jwt');
  const viaBearer = await app.inject({ method: 'POST', url: '/v1beta/models/tiny-chat:generateContent', payload: HI, headers: { authorization: `Bearer ${jwt}` } });
  assert.equal(viaBearer.statusCode, 200, viaBearer.body);
  assert.equal((seen as { caller: { id: string } }).caller.id, 'jwt:svc');
  // Public routes need nothing.
  assert.equal((await app.inject('/healthz')).statusCode, 200);
});

test('a key limited to models cannot create a cached content for another model (403), and can for its own', async () => {
  const { MemoryCachedContentStore } = await import('../../storage/cached-contents/memory-cached-content-store.js');
  const { app, store } = await makeApp({ cachedContents: { store: new MemoryCachedContentStore(), minTokens: 0 } });
  const limited = await store.create({ name: 'limited', allowedModels: ['tiny-*'] });
  const create = (model: string) => app.inject({
    method: 'POST', url: '/v1beta/cachedContents', headers: { 'x-goog-api-key': limited.secret },
    payload: { model: `models/${model}`, contents: [{ role: 'user', parts: [{ text: 'a document to keep' }] }] },
  });
  const denied = await create('gemini-2.0-flash');
  assert.equal(denied.statusCode, 403);
  assert.match(denied.json().error.message, /not allowed to use models\/gemini-2.0-flash/);
  assert.equal((await create('tiny-chat')).statusCode, 200);
});
