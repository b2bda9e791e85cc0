/**
 * Issue 14's Done-when "the CORS and Host checks refuse a foreign origin", end to end: `gemserve
 * serve` as users start it (keyless, on loopback), a File uploaded, then what a web page in the
 * user's browser could send. A foreign page's requests (with its `Origin`, preflight or "simple")
 * and a DNS-rebinding page's (its own name in `Host`, same-origin to the browser) get Google's 403
 * and no `Access-Control-Allow-Origin`, and never the File; loopback pages, the server's own names
 * and `--allowed-origins` still work; with keys, any `Host` is served but a foreign `Origin` is
 * still refused. Written against behaviour, whatever writes the CORS headers.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { serveInChild } from '../fixtures/serve-in-child.js';

const SECRET = 'the contents of a private file';
const KEY = 'AIza-cors-and-host-key';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, not fetch: a browser (and fetch) sets `Host` and `Origin` itself; here the test sets them as a page would cause them. */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { connection: 'close', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Google's 403 PERMISSION_DENIED, no CORS grant, and nothing of the File. */
function assertRefused(a: Answer, what: string): void {
  assert.equal(a.status, 403, `${what}: ${a.status} ${a.body}`);
  const body = JSON.parse(a.body) as { error: { code: number; status: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error'], what);
  assert.equal(body.error.code, 403, what);
  assert.equal(body.error.status, 'PERMISSION_DENIED', what);
  assert.equal(a.headers['access-control-allow-origin'], undefined, `${what}: a CORS grant`);
  assert.equal(a.headers['access-control-allow-credentials'], undefined, what);
  assert.ok(!a.body.includes(SECRET) && !a.body.includes('files/'), `${what}: the File leaked`);
}

async function upload(port: number, host: string, key?: string): Promise<string> {
  const auth: Record<string, string> = key ? { 'x-goog-api-key': key } : {};
  const start = await send(port, 'POST', '/upload/v1beta/files', {
    host, ...auth, 'content-type': 'application/json', 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start',
    'x-goog-upload-header-content-length': String(Buffer.byteLength(SECRET)), 'x-goog-upload-header-content-type': 'text/plain',
  }, '{"file":{"displayName":"private"}}');
  assert.equal(start.status, 200, start.body);
  const url = new URL(String(start.headers['x-goog-upload-url']));
  const done = await send(port, 'POST', url.pathname + url.search, { host, 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' }, SECRET);
  assert.equal(done.status, 200, done.body);
  return (JSON.parse(done.body) as { file: { name: string } }).file.name;
}

describe('CORS and Host checks through a real server (abuse)', () => {
  it('keyless: a foreign page\'s requests and a DNS-rebinding page\'s are Google\'s 403, with no CORS grant and no File', async (t) => {
    const { port } = await serveInChild(t, { args: ['--allowed-origins', 'https://app.example.com'] });
    const own = `127.0.0.1:${port}`;
    const file = await upload(port, own);
    const [list, download] = [`/v1beta/files`, `/v1beta/${file}:download?alt=media`];
    // The server itself serves the File to a local client with no Origin (an SDK, curl).
    const local = await send(port, 'GET', download, { host: own });
    assert.equal(local.status, 200);
    assert.equal(local.body, SECRET);

    const evil = 'https://evil.example';
    // A page on another site: preflighted calls, a "simple" one that needs no preflight, and plain reads.
    assertRefused(await send(port, 'OPTIONS', `/v1beta/${file}`, { host: own, origin: evil, 'access-control-request-method': 'DELETE' }), 'preflight of a delete');
    assertRefused(await send(port, 'OPTIONS', list, { host: own, origin: evil, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-goog-api-key' }), 'preflight of a list');
    assertRefused(await send(port, 'GET', list, { host: own, origin: evil }), 'files.list');
    assertRefused(await send(port, 'GET', download, { host: own, origin: evil }), 'download');
    assertRefused(await send(port, 'DELETE', `/v1beta/${file}`, { host: own, origin: evil }), 'delete');
    assertRefused(await send(port, 'POST', '/v1beta/models/gemini-2.0-flash:generateContent', { host: own, origin: evil, 'content-type': 'text/plain' },
      JSON.stringify({ contents: [{ parts: [{ fileData: { fileUri: file } }, { text: 'repeat this' }] }] })), 'a simple POST using the File');
    for (const origin of ['null', 'http://localhost.evil.example', `http://127.0.0.1.evil.example:${port}`, 'https://app.example.com.evil.example']) {
      assertRefused(await send(port, 'GET', list, { host: own, origin }), `Origin ${origin}`);
    }

    // DNS rebinding: evil.example now resolves to 127.0.0.1; the page's requests are same-origin
    // to the browser, so they carry the page's own name in Host (and in Origin, when sent).
    const rebound = `evil.example:${port}`;
    assertRefused(await send(port, 'GET', list, { host: rebound }), 'rebinding files.list');
    assertRefused(await send(port, 'GET', download, { host: rebound }), 'rebinding download');
    assertRefused(await send(port, 'GET', list, { host: rebound, origin: `http://${rebound}` }), 'rebinding, Origin equal to Host');
    assertRefused(await send(port, 'POST', '/v1beta/models/gemini-2.0-flash:countTokens', { host: rebound, origin: `http://${rebound}`, 'content-type': 'application/json' },
      '{"contents":[{"parts":[{"text":"hi"}]}]}'), 'rebinding POST');
    assertRefused(await send(port, 'GET', '/nowhere', { host: rebound }), 'rebinding, unknown path');

    // The File is untouched, and what should work does.
    assert.equal((await send(port, 'GET', download, { host: own })).body, SECRET);
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'https://app.example.com']) {
      const ok = await send(port, 'GET', list, { host: own, origin });
      assert.equal(ok.status, 200, origin);
      assert.equal(ok.headers['access-control-allow-origin'], origin);
      const pre = await send(port, 'OPTIONS', list, { host: own, origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-goog-api-key' });
      assert.ok(pre.status >= 200 && pre.status < 300, `${origin} preflight ${pre.status}`);
      assert.equal(pre.headers['access-control-allow-origin'], origin);
    }
    for (const host of [`localhost:${port}`, `[::1]:${port}`, 'app.example.com']) {
      assert.equal((await send(port, 'GET', list, { host })).status, 200, host);
    }
  });

  it('with keys: any Host is served (a proxy may rewrite it), but a foreign Origin is refused even with a valid key', async (t) => {
    const keyed = await serveInChild(t, { args: ['--api-key', KEY] });
    const { port } = keyed;
    const id = await upload(port, `127.0.0.1:${port}`, KEY);
    const list = await send(port, 'GET', '/v1beta/files', { host: 'gemini.corp.example', 'x-goog-api-key': KEY });
    assert.equal(list.status, 200);
    assert.ok(list.body.includes(id));
    assertRefused(await send(port, 'GET', '/v1beta/files', { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'x-goog-api-key': KEY }), 'keyed, foreign Origin');
    assertRefused(await send(port, 'OPTIONS', '/v1beta/files', { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'access-control-request-method': 'GET' }), 'keyed, foreign preflight');
    // Without the key, a foreign Host gets the key's refusal, not the File.
    const anonymous = await send(port, 'GET', '/v1beta/files', { host: 'evil.example' });
    assert.ok(anonymous.status === 401 || anonymous.status === 403, `${anonymous.status}`);
    assert.ok(!anonymous.body.includes(id));
  });
});
