import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import type { FileService } from '../../storage/files/file-service.js';
import { createMemoryFileService } from '../../storage/open-file-service.js';
import { UPLOAD_SESSION_TTL_MS } from '../../storage/uploads/upload-session.js';
import type { AppDeps } from '../app-deps.js';
import { createApp } from '../create-app.js';
import { CORS_EXPOSE_HEADERS } from '../cors.js';

async function makeApp(over: Partial<AppDeps> = {}): Promise<{ app: FastifyInstance; files: FileService; clock: FakeClock }> {
  const clock = new FakeClock();
  const files = createMemoryFileService({ clock });
  const app = await createApp({ catalog: new ModelCatalog([]), apiKeys: [], bodyLimitBytes: 1024, files, ...over });
  return { app, files, clock };
}

const START = { 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'content-type': 'application/json' };

async function start(app: FastifyInstance, file: Record<string, unknown>, headers: Record<string, string> = {}, prefix = '') {
  return app.inject({ method: 'POST', url: `${prefix}/upload/v1beta/files`, headers: { ...START, ...headers }, payload: JSON.stringify({ file }) });
}

/** The upload URL's path and query, as an SDK would use it after swapping scheme/host/port. */
function uploadPath(res: { headers: Record<string, unknown> }): string {
  const url = new URL(String(res.headers['x-goog-upload-url']));
  return url.pathname + url.search;
}

function chunk(app: FastifyInstance, path: string, command: string, offset: number | undefined, body: Uint8Array, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST', url: path, payload: Buffer.from(body),
    headers: {
      'x-goog-upload-command': command, ...(offset !== undefined ? { 'x-goog-upload-offset': String(offset) } : {}),
      // Both SDKs label binary chunks application/json (js-genai src/_api_client.ts
      // `getDefaultHeaders`, python-genai google/genai/_extra_utils.py `prepare_resumable_upload`).
      'content-type': 'application/json', ...headers,
    },
  });
}

describe('resumable upload route', () => {
  it('start answers 200, empty body, the upload URL (with the mount prefix) and Google\'s headers', async () => {
    // A keyless server answers to a Host of its own or in --allowed-origins (src/http/check-host.ts).
    const { app } = await makeApp({ mountPrefix: '/gemini', allowedOrigins: ['http://gw.example:9000'] });
    const res = await start(app, { displayName: 'x', mimeType: 'image/png', sizeBytes: '5' }, { 'x-goog-upload-header-content-length': '5', host: 'gw.example:9000' }, '/gemini');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.body, '');
    assert.equal(res.headers['x-goog-upload-status'], 'active');
    assert.equal(res.headers['x-goog-upload-chunk-granularity'], '8388608');
    const url = String(res.headers['x-goog-upload-url']);
    assert.match(url, /^http:\/\/gw\.example:9000\/gemini\/upload\/v1beta\/files\?upload_id=[A-Za-z0-9_-]{32}&upload_protocol=resumable$/);
    assert.equal(res.headers['x-goog-upload-control-url'], url);
  });

  it('a 5-byte upload in one "upload, finalize" chunk returns {file} with status final', async () => {
    const { app } = await makeApp();
    const s = await start(app, { mimeType: 'image/png', sizeBytes: '5', displayName: '../../etc/passwd' });
    const res = await chunk(app, uploadPath(s), 'upload, finalize', 0, Buffer.from('hello'));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-goog-upload-status'], 'final');
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const { file } = res.json();
    assert.match(file.name, /^files\/[a-z0-9]{12}$/);
    assert.equal(file.displayName, '../../etc/passwd', 'a path-like display name is just a name');
    assert.equal(file.sizeBytes, '5');
    assert.equal(file.mimeType, 'image/png');
    assert.equal(file.state, 'ACTIVE');
    assert.equal(file.source, 'UPLOADED');
    assert.equal(Buffer.from(file.sha256Hash, 'base64').toString(), createHash('sha256').update('hello').digest('hex'));
    assert.equal(file.uri, `http://localhost:80/v1beta/files/${file.name.slice(6)}`);
    assert.match(file.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('chunks bigger than the JSON body limit are fine: the limit is the file\'s declared size', async () => {
    const { app } = await makeApp({ bodyLimitBytes: 1024 });
    const data = randomBytes(300 * 1024);
    const s = await start(app, { mimeType: 'application/octet-stream' }, { 'x-goog-upload-header-content-length': String(data.length) });
    const path = uploadPath(s);
    const first = await chunk(app, path, 'upload', 0, data.subarray(0, 200 * 1024));
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.headers['x-goog-upload-status'], 'active');
    assert.equal(first.body, '');
    const last = await chunk(app, path, 'upload, finalize', 200 * 1024, data.subarray(200 * 1024));
    assert.equal(last.statusCode, 200, last.body);
    assert.equal(last.json().file.sizeBytes, String(data.length));
  });

  it('Python-style: sizeBytes as a number, and chunks without any API key even when keys are required', async () => {
    const { app } = await makeApp({ apiKeys: ['k1'] });
    const noKey = await start(app, { mimeType: 'text/plain', sizeBytes: 3 });
    assert.equal(noKey.statusCode, 403, 'start needs a key like any call');
    const s = await start(app, { mimeType: 'text/plain', sizeBytes: 3 }, { 'x-goog-api-key': 'k1' });
    assert.equal(s.statusCode, 200, s.body);
    const res = await chunk(app, uploadPath(s), 'upload, finalize', 0, Buffer.from('abc'), { 'content-type': '' });
    assert.equal(res.statusCode, 200, res.body);
    const name = res.json().file.name;
    // The file belongs to the key that started the upload.
    assert.equal((await app.inject({ url: `/v1beta/${name}`, headers: { 'x-goog-api-key': 'k1' } })).statusCode, 200);
    // Without upload_id, the upload path still needs a key.
    assert.equal((await chunk(app, '/upload/v1beta/files', 'upload', 0, Buffer.from('x'))).statusCode, 403);
  });

  it('a wrong offset is 400 with X-Goog-Upload-Size-Received; query reports the size', async () => {
    const { app } = await makeApp();
    const s = await start(app, { mimeType: 'text/plain', sizeBytes: '6' });
    const path = uploadPath(s);
    await chunk(app, path, 'upload', 0, Buffer.from('abc'));
    const bad = await chunk(app, path, 'upload', 5, Buffer.from('x'));
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.status, 'INVALID_ARGUMENT');
    assert.match(bad.json().error.message, /X-Goog-Upload-Offset 5.*received 3 bytes/);
    assert.equal(bad.headers['x-goog-upload-size-received'], '3');
    const q = await chunk(app, path, 'query', undefined, new Uint8Array(0));
    assert.equal(q.statusCode, 200);
    assert.equal(q.headers['x-goog-upload-status'], 'active');
    assert.equal(q.headers['x-goog-upload-size-received'], '3');
    const missing = await chunk(app, path, 'upload', undefined, Buffer.from('x'));
    assert.equal(missing.statusCode, 400);
    const garbage = await chunk(app, path, 'upload', undefined, Buffer.from('x'), { 'x-goog-upload-offset': '-1' });
    assert.equal(garbage.statusCode, 400);
    const ok = await chunk(app, path, 'upload, finalize', 3, Buffer.from('def'));
    assert.equal(ok.statusCode, 200);
  });

  it('bytes beyond the declared size, or a short final size, are 400; a bare finalize completes', async () => {
    const { app } = await makeApp();
    const s = await start(app, { mimeType: 'text/plain', sizeBytes: '4' });
    const path = uploadPath(s);
    const over = await chunk(app, path, 'upload, finalize', 0, Buffer.from('abcde'));
    assert.equal(over.statusCode, 400);
    assert.match(over.json().error.message, /exceeds its declared size of 4 bytes/);
    const short = await chunk(app, path, 'upload, finalize', 0, Buffer.from('abc'));
    assert.equal(short.statusCode, 400);
    assert.match(short.json().error.message, /3 bytes were uploaded but the declared size is 4/);
    await chunk(app, path, 'upload', 3, Buffer.from('d'));
    const fin = await chunk(app, path, 'finalize', undefined, new Uint8Array(0));
    assert.equal(fin.statusCode, 200, fin.body);
    assert.equal(fin.headers['x-goog-upload-status'], 'final');
  });

  it('bogus, finished, cancelled and expired upload ids are 404 NOT_FOUND in Google\'s envelope', async () => {
    const { app, clock } = await makeApp();
    for (const id of ['nope', 'A'.repeat(32), '../../../etc/passwd', '%00']) {
      const res = await chunk(app, `/upload/v1beta/files?upload_id=${encodeURIComponent(id)}&upload_protocol=resumable`, 'upload, finalize', 0, Buffer.from('x'));
      assert.equal(res.statusCode, 404, id);
      assert.equal(res.json().error.status, 'NOT_FOUND');
      assert.equal(res.json().error.code, 404);
    }
    const s1 = await start(app, { mimeType: 'text/plain' });
    await chunk(app, uploadPath(s1), 'upload, finalize', 0, Buffer.from('x'));
    assert.equal((await chunk(app, uploadPath(s1), 'upload, finalize', 0, Buffer.from('x'))).statusCode, 404, 'finished');
    const s2 = await start(app, { mimeType: 'text/plain' });
    const cancel = await chunk(app, uploadPath(s2), 'cancel', undefined, new Uint8Array(0));
    assert.equal(cancel.statusCode, 200);
    assert.deepEqual(cancel.json(), {});
    assert.equal((await chunk(app, uploadPath(s2), 'query', undefined, new Uint8Array(0))).statusCode, 404, 'cancelled');
    const s3 = await start(app, { mimeType: 'text/plain' });
    clock.advance(UPLOAD_SESSION_TTL_MS);
    assert.equal((await chunk(app, uploadPath(s3), 'upload, finalize', 0, Buffer.from('x'))).statusCode, 404, 'expired');
  });

  it('start refuses bad requests with 400, a taken name with 409', async () => {
    const { app } = await makeApp();
    const bad = async (res: Awaited<ReturnType<typeof start>>, re: RegExp) => {
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.status, 'INVALID_ARGUMENT');
      assert.match(res.json().error.message, re);
    };
    await bad(await start(app, {}, { 'x-goog-upload-protocol': 'multipart' }), /resumable/);
    await bad(await start(app, {}, { 'x-goog-upload-command': 'upload' }), /resumable/);
    await bad(await start(app, {}, { 'x-goog-upload-header-content-length': String(2 * 1024 ** 3 + 1) }), /exceeds the limit/);
    await bad(await start(app, { sizeBytes: '5' }, { 'x-goog-upload-header-content-length': '6' }), /disagree/);
    await bad(await start(app, { sizeBytes: 'lots' }), /size_bytes/);
    await bad(await start(app, { name: 'files/Bad_Name' }), /lowercase alphanumeric or dashes/);
    await bad(await start(app, { name: 'files/../../x' }), /lowercase alphanumeric or dashes/);
    await bad(await start(app, { mimeType: 'text/plain\r\nx-evil: 1' }), /MIME type/);
    await bad(await start(app, { displayName: 7 }), /display_name/);
    const malformed = await app.inject({ method: 'POST', url: '/upload/v1beta/files', headers: START, payload: '{"file": {' });
    await bad(malformed, /Invalid JSON payload received/);
    const huge = await app.inject({ method: 'POST', url: '/upload/v1beta/files', headers: START, payload: JSON.stringify({ file: { displayName: 'x'.repeat(70_000) } }) });
    assert.equal(huge.statusCode, 400);

    const first = await start(app, { name: 'files/my-doc', mimeType: 'text/plain' });
    await chunk(app, uploadPath(first), 'upload, finalize', 0, Buffer.from('x'));
    const taken = await start(app, { name: 'files/my-doc', mimeType: 'text/plain' });
    assert.equal(taken.statusCode, 409);
    assert.deepEqual(taken.json().error, { code: 409, message: 'File files/my-doc already exists.', status: 'ALREADY_EXISTS' });
    // A bare id is taken as the id too; snake_case fields are accepted.
    const bare = await start(app, { name: 'other-doc', mime_type: 'text/csv', display_name: 'snake' });
    const done = await chunk(app, uploadPath(bare), 'upload, finalize', 0, Buffer.from('a,b'));
    assert.equal(done.json().file.name, 'files/other-doc');
    assert.equal(done.json().file.mimeType, 'text/csv');
    assert.equal(done.json().file.displayName, 'snake');
  });

  it('an unknown command is 400; a start with no body uses the headers', async () => {
    const { app } = await makeApp();
    const s = await app.inject({
      method: 'POST', url: '/upload/v1beta/files',
      headers: { ...START, 'x-goog-upload-header-content-type': 'audio/mpeg', 'x-goog-upload-header-content-length': '1' },
    });
    assert.equal(s.statusCode, 200, s.body);
    const weird = await chunk(app, uploadPath(s), 'upload, finalize, upload', 0, Buffer.from('x'));
    assert.equal(weird.statusCode, 400);
    const res = await chunk(app, uploadPath(s), 'UPLOAD,FINALIZE', 0, Buffer.from('x'));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().file.mimeType, 'audio/mpeg');
  });

  it('without a FileService the upload and files paths are 404', async () => {
    const app = await createApp({ catalog: new ModelCatalog([]), apiKeys: [], bodyLimitBytes: 1024 });
    assert.equal((await start(app, {})).statusCode, 404);
    assert.equal((await app.inject('/v1beta/files')).statusCode, 404);
  });

  it('CORS exposes the upload headers browsers need', async () => {
    for (const h of ['x-goog-upload-url', 'x-goog-upload-status', 'x-goog-upload-size-received', 'x-goog-upload-chunk-granularity', 'x-goog-upload-control-url']) {
      assert.ok(CORS_EXPOSE_HEADERS.split(', ').includes(h), h);
    }
    const { app } = await makeApp();
    const res = await start(app, { mimeType: 'text/plain' }, { origin: 'http://localhost:3000' });
    assert.match(String(res.headers['access-control-expose-headers']), /x-goog-upload-url/);
  });
});
