import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import type { AppDeps } from './app-deps.js';
import { createApp } from './create-app.js';

const makeApp = (overrides: Partial<AppDeps> = {}) =>
  createApp({ catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine: new FakeEngine() }]), apiKeys: [], bodyLimitBytes: 65536, ...overrides });

const preflight = (origin: string, host = 'localhost:8080') => ({
  method: 'OPTIONS' as const, url: '/v1beta/files',
  headers: { origin, host, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'x-goog-api-key' },
});

test('a foreign origin gets no CORS headers: its preflight and its requests are Google\'s 403', async () => {
  for (const app of [await makeApp(), await makeApp({ apiKeys: ['k'] })]) {
    const pre = await app.inject(preflight('https://evil.example'));
    assert.equal(pre.statusCode, 403);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-methods'], undefined);
    const { error } = pre.json();
    assert.equal(error.status, 'PERMISSION_DENIED');
    assert.match(error.message, /Origin "https:\/\/evil\.example" is not allowed.*--allowed-origins/);
    // A "simple" request (no preflight) is refused too, before it can act.
    const simple = await app.inject({ method: 'POST', url: '/v1beta/models/gemini-2.0-flash:generateContent', payload: '{"contents":"hi"}',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain', 'x-goog-api-key': 'k' } });
    assert.equal(simple.statusCode, 403);
    assert.equal(simple.headers['access-control-allow-origin'], undefined);
  }
});

test('loopback, same-origin and allowlisted origins work: preflight and actual request', async () => {
  const app = await makeApp({ allowedOrigins: ['https://*.example.com'] });
  for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080', 'https://app.example.com', 'http://localhost:8080']) {
    const pre = await app.inject(preflight(origin));
    assert.equal(pre.statusCode, 204, origin);
    assert.equal(pre.headers['access-control-allow-origin'], origin);
    assert.match(String(pre.headers['access-control-allow-headers']), /x-goog-api-key/);
    assert.match(String(pre.headers['access-control-expose-headers']), /x-goog-upload-url/);
    assert.equal(pre.headers['access-control-max-age'], '86400');
    assert.match(String(pre.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'preflights carry the request id');
    const res = await app.inject({ url: '/v1beta/models', headers: { origin, host: 'localhost:8080' } });
    assert.equal(res.statusCode, 200, origin);
    assert.equal(res.headers['access-control-allow-origin'], origin);
    assert.equal(res.headers.vary, 'Origin');
    assert.match(String(res.headers['access-control-expose-headers']), /x-goog-upload-url, x-goog-upload-status/);
  }
  // The server's own origin (a page it serves) is not cross-origin: allowed whatever its address.
  const keyed = await makeApp({ apiKeys: ['k'] });
  const own = await keyed.inject({ url: '/v1beta/models', headers: { origin: 'https://gemini.corp.test', host: 'gemini.corp.test', 'x-goog-api-key': 'k' } });
  assert.equal(own.statusCode, 200);
  assert.equal(own.headers['access-control-allow-origin'], 'https://gemini.corp.test');
});

test('* allows any origin', async () => {
  const app = await makeApp({ apiKeys: ['k'], allowedOrigins: ['*'] });
  const pre = await app.inject(preflight('https://evil.example'));
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'https://evil.example');
});

test('requests without Origin are unaffected', async () => {
  const app = await makeApp({ allowedOrigins: ['https://app.example.com'] });
  const res = await app.inject({ url: '/v1beta/models', headers: { host: '127.0.0.1:8080' } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  const pre = await app.inject({ method: 'OPTIONS', url: '/v1beta/models' });
  assert.equal(pre.statusCode, 204);
});

test('a keyless server answers only to its own names in Host (DNS rebinding)', async () => {
  const app = await makeApp({ bindHost: '127.0.0.1', allowedOrigins: ['https://*.example.com'] });
  for (const host of ['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io:8080', 'a b']) {
    const res = await app.inject({ url: '/v1beta/files', headers: { host } });
    assert.equal(res.statusCode, 403, host);
    const { error } = res.json();
    assert.equal(error.status, 'PERMISSION_DENIED');
    assert.match(error.message, /is not a name of this server/);
    // Before routing's own answers: an unknown path is refused the same.
    assert.equal((await app.inject({ url: '/nowhere', headers: { host } })).statusCode, 403, host);
  }
  for (const host of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080', 'localhost', 'app.localhost:8080', 'app.example.com']) {
    assert.equal((await app.inject({ url: '/v1beta/models', headers: { host } })).statusCode, 200, host);
  }
  // The bind address itself, when it is not loopback.
  const lan = await makeApp({ bindHost: '192.0.2.7' });
  assert.equal((await lan.inject({ url: '/v1beta/models', headers: { host: '192.0.2.7:8080' } })).statusCode, 200);
  assert.equal((await lan.inject({ url: '/v1beta/models', headers: { host: '192.0.2.8:8080' } })).statusCode, 403);
});

test('a keyless server checks Host on a real socket too', async () => {
  const app = await makeApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as { port: number };
    assert.equal((await fetch(`http://127.0.0.1:${port}/v1beta/models`)).status, 200);
    assert.equal((await fetch(`http://localhost:${port}/v1beta/models`)).status, 200);
  } finally {
    await app.close();
  }
});

test('a server with keys accepts any Host', async () => {
  const app = await makeApp({ apiKeys: ['k'], bindHost: '127.0.0.1' });
  for (const host of ['evil.example', 'gemini.corp.test:443', '127.0.0.1:8080']) {
    const res = await app.inject({ url: '/v1beta/models', headers: { host, 'x-goog-api-key': 'k' } });
    assert.equal(res.statusCode, 200, host);
  }
});
