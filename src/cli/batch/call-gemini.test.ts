import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { callGemini } from './call-gemini.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const quota = (delay: string) => json(429, {
  error: {
    code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota',
    details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay }],
  },
});

function scripted(...answers: Response[]) {
  const seen: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, seen };
}

test('429 with RetryInfo waits the server\'s delay, then succeeds; the key goes in x-goog-api-key', async () => {
  const { fetch, seen } = scripted(quota('1.5s'), json(200, { totalTokens: 3 }));
  const sleeps: number[] = [];
  const r = await callGemini('POST', 'http://h/v1beta/models/m:countTokens', { contents: [] }, {
    fetch, apiKey: 'AIzaKEY', sleep: async (ms) => { sleeps.push(ms); },
  });
  assert.deepEqual(r, { ok: true, body: { totalTokens: 3 }, attempts: 2 });
  assert.deepEqual(sleeps, [1500]);
  assert.equal((seen[0].init.headers as Record<string, string>)['x-goog-api-key'], 'AIzaKEY');
  assert.equal(seen[0].init.body, '{"contents":[]}');
});

test('503 with Retry-After waits that; without a hint, a jittered exponential backoff', async () => {
  const overloaded = (h: Record<string, string> = {}) => json(503, { error: { code: 503, status: 'UNAVAILABLE', message: 'overloaded' } }, h);
  const { fetch } = scripted(overloaded({ 'retry-after': '2' }), overloaded(), overloaded(), json(200, {}));
  const sleeps: number[] = [];
  const r = await callGemini('POST', 'http://h/x', {}, { fetch, random: () => 0.5, initialDelayMs: 1000, sleep: async (ms) => { sleeps.push(ms); } });
  assert.equal(r.ok, true);
  assert.deepEqual(sleeps, [2000, 1000, 2000]);
});

test('attempts are bounded; the last error is returned with Google\'s status', async () => {
  const { fetch } = scripted(quota('1s'), quota('1s'), quota('1s'));
  const r = await callGemini('POST', 'http://h/x', {}, { fetch, maxAttempts: 3, sleep: async () => {} });
  assert.deepEqual(r, { ok: false, attempts: 3, error: { httpStatus: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } });
});

test('a hint longer than maxDelayMs (a daily quota) ends the retries at once', async () => {
  const { fetch } = scripted(quota('3600s'));
  const r = await callGemini('POST', 'http://h/x', {}, { fetch, maxDelayMs: 60_000, sleep: async () => assert.fail('must not wait') });
  assert.equal(r.ok, false);
  assert.equal(r.attempts, 1);
});

test('a 400 is final; a non-JSON error body is quoted', async () => {
  const bad = scripted(json(400, { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Unsupported MIME type' } }));
  assert.deepEqual(await callGemini('POST', 'http://h/x', {}, { fetch: bad.fetch }),
    { ok: false, attempts: 1, error: { httpStatus: 400, status: 'INVALID_ARGUMENT', message: 'Unsupported MIME type' } });
  const html = scripted(new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }));
  const r = await callGemini('GET', 'http://h/x', undefined, { fetch: html.fetch });
  assert.deepEqual(r, { ok: false, attempts: 1, error: { httpStatus: 502, message: 'HTTP 502 Bad Gateway: <h1>Bad gateway</h1>' } });
});

test('no server: the failure names the origin and the reason', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const r = await callGemini('GET', `http://127.0.0.1:${port}/v1beta/models`, undefined, {});
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.error.message, `cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`);
});

test('stopRetrying ends a wait early and makes no further attempt', async () => {
  const { fetch, seen } = scripted(quota('30s'), json(200, {}));
  const stop = new AbortController();
  const r = await callGemini('POST', 'http://h/x', {}, {
    fetch, stopRetrying: stop.signal,
    sleep: async (_ms, signal) => { stop.abort(); assert.equal(signal, stop.signal); },
  });
  assert.equal(r.ok, false);
  assert.equal(seen.length, 1);
});

test('timeoutMs: an attempt without an answer in time fails as DEADLINE_EXCEEDED, not retried', async (t) => {
  const sockets: Array<import('node:net').Socket> = [];
  const server = createServer((s) => { sockets.push(s); }); // accepts, never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  const { port } = server.address() as AddressInfo;
  const started = Date.now();
  const r = await callGemini('POST', `http://127.0.0.1:${port}/v1beta/models/m:generateContent`, {}, { timeoutMs: 300 });
  assert.deepEqual(r, { ok: false, error: { status: 'DEADLINE_EXCEEDED', message: 'no answer within 0.3 s (--timeout)' }, attempts: 1 });
  assert.ok(Date.now() - started < 5000);
});

test('timeoutMs does not turn the caller\'s own abort into a timeout', async () => {
  const stop = new AbortController();
  const fetch = (async (_url: string, init: RequestInit) => new Promise((_resolve, reject) => {
    init.signal!.addEventListener('abort', () => reject(new Error('aborted')));
    setTimeout(() => stop.abort(), 10);
  })) as unknown as typeof globalThis.fetch;
  const r = await callGemini('POST', 'http://h/x', {}, { fetch, timeoutMs: 60_000, signal: stop.signal });
  assert.deepEqual(r, { ok: false, error: { message: 'interrupted' }, attempts: 1 });
});
