import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { createApp } from './create-app.js';
import { redactUrl } from './request-logging.js';

const KEY = 'AIza-very-secret-key-0123';
const PROMPT = 'my private prompt about the merger';

async function appWithLog(logPrompts = false) {
  const lines: string[] = [];
  const app = await createApp({
    catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine: new FakeEngine() }]),
    apiKeys: [KEY],
    bodyLimitBytes: 1 << 20,
    logger: { level: 'info', stream: { write: (s: string) => lines.push(s) } },
    logPrompts,
  });
  return { app, lines: () => lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) };
}

const body = { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] };

test('every request log line carries the request id; an incoming x-request-id is kept and echoed', async () => {
  const { app, lines } = await appWithLog();
  const res = await app.inject({
    method: 'POST', url: '/v1beta/models/gemini-2.0-flash:generateContent', payload: body,
    headers: { 'x-goog-api-key': KEY, 'x-request-id': 'trace-abc.123' },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-request-id'], 'trace-abc.123');
  const logged = lines().filter((l) => l.reqId !== undefined);
  assert.ok(logged.length >= 2, 'incoming request and request completed');
  assert.ok(logged.every((l) => l.reqId === 'trace-abc.123'));

  const other = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } });
  assert.match(String(other.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  const plain = await app.inject({ method: 'GET', url: '/healthz' });
  assert.match(String(plain.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  assert.notEqual(plain.headers['x-request-id'], other.headers['x-request-id']);
  await app.close();
});

test('keys (header, ?key=, Bearer) and prompts never reach the log; ?key= is redacted in URLs', async () => {
  const { app, lines } = await appWithLog();
  await app.inject({ method: 'POST', url: `/v1beta/models/gemini-2.0-flash:generateContent?key=${KEY}`, payload: body });
  await app.inject({ method: 'POST', url: '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', payload: body, headers: { authorization: `Bearer ${KEY}` } });
  await app.inject({ method: 'POST', url: '/v1beta/models/gemini-2.0-flash:generateContent?key=wrong-key-456', payload: body });
  const text = JSON.stringify(lines());
  assert.doesNotMatch(text, new RegExp(KEY));
  assert.doesNotMatch(text, /wrong-key-456/);
  assert.doesNotMatch(text, /merger/);
  assert.match(text, /key=\[redacted\]/);
  await app.close();
});

test('--log-prompts logs request bodies, still without keys', async () => {
  const { app, lines } = await appWithLog(true);
  await app.inject({ method: 'POST', url: `/v1beta/models/gemini-2.0-flash:generateContent?key=${KEY}`, payload: body, headers: { 'x-request-id': 'r1' } });
  const bodyLine = lines().find((l) => l.msg === 'request body');
  assert.equal(bodyLine?.reqId, 'r1');
  assert.equal(bodyLine?.body.contents[0].parts[0].text, PROMPT);
  assert.doesNotMatch(JSON.stringify(lines()), new RegExp(KEY));
  await app.close();
});

test('redactUrl hides key, upload_id and access_token values only', () => {
  assert.equal(redactUrl('/v1beta/models/x:generateContent?alt=sse&key=abc&upload_id=u1&keys=ok'),
    '/v1beta/models/x:generateContent?alt=sse&key=[redacted]&upload_id=[redacted]&keys=ok');
  assert.equal(redactUrl('/x?KEY=abc#frag'), '/x?KEY=[redacted]#frag');
});

test('redactUrl redacts on the decoded name: percent-encoded, any case, every occurrence', () => {
  assert.equal(redactUrl('/x?%6Bey=AIza1&k%65y=AIza2&key=AIza3&alt=sse&key=AIza4'),
    '/x?%6Bey=[redacted]&k%65y=[redacted]&key=[redacted]&alt=sse&key=[redacted]');
  assert.equal(redactUrl('/x?%4B%45%59=a&upload%5Fid=u&%zz=keep&plain'), '/x?%4B%45%59=[redacted]&upload%5Fid=[redacted]&%zz=keep&plain');
  assert.equal(redactUrl('/x/no-query'), '/x/no-query');
});

test('a key in a percent-encoded ?key= is accepted and still never logged', async () => {
  const { app, lines } = await appWithLog();
  for (const url of [`?%6Bey=${KEY}`, `?k%65y=${KEY}`, `?key=${KEY}`, `?alt=sse&key=${KEY}&key=${KEY}-second`]) {
    const res = await app.inject({ method: 'POST', url: `/v1beta/models/gemini-2.0-flash:generateContent${url}`, payload: body });
    assert.equal(res.statusCode, 200, url);
  }
  // An unknown path's 404 and a refused key are logged too (error handler lines).
  await app.inject({ method: 'GET', url: `/v1beta/nowhere?%6Bey=${KEY}` });
  await app.inject({ method: 'GET', url: `/v1beta/models?k%65y=${KEY}-wrong` });
  const text = JSON.stringify(lines());
  assert.doesNotMatch(text, /AIza-very-secret/);
  assert.match(text, /%6Bey=\[redacted\]/);
  assert.match(text, /k%65y=\[redacted\]/);
  await app.close();
});
