/**
 * The Files API through `@google/genai` (upload, get, list, delete, download) against the real
 * server on a real socket, plus raw HTTP for what the JS SDK does not show: Python-style chunks
 * without an API key (`_upload_fd` in python-genai google/genai/_api_client.py), the resumable
 * protocol's errors and commands,
 * expiry and sweeping with an injected clock, and that nothing lands outside the data dir.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { File as SdkFile } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { FILE_TTL_MS } from '../../src/storage/files/file-record.js';
import type { FileService } from '../../src/storage/files/file-service.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { UPLOAD_SESSION_TTL_MS } from '../../src/storage/uploads/upload-session.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, rawError, sdkError } from './helpers/clients.js';

const KEY_A = 'key-alice';
const KEY_B = 'key-bob';
const MIB = 1024 * 1024;
const denied = (id: string) => `You do not have permission to access the File ${id} or it may not exist.`;
const googleHash = (b: Uint8Array) => Buffer.from(createHash('sha256').update(b).digest('hex')).toString('base64');
const idOf = (f: SdkFile) => (f.name ?? '').replace(/^files\//, '');

const workDir = await mkdtemp(join(tmpdir(), 'gemserve-files-contract-'));
after(() => rm(workDir, { recursive: true, force: true }));
let dirs = 0;

/** A server with the disk Files API below a fresh data dir, keys A and B, and a fake clock. */
async function filesServer(mountPrefix = ''): Promise<{ server: TestServer; files: FileService; clock: FakeClock; dataDir: string }> {
  const dataDir = join(workDir, `data${dirs++}`);
  const clock = new FakeClock();
  const files = await openLocalFileService({ dataDir, clock });
  const server = await startServer({
    bindings: [{ id: 'gemini-2.0-flash', engine: new FakeEngine() }],
    apiKeys: [KEY_A, KEY_B],
    mountPrefix,
    files,
  });
  return { server, files, clock, dataDir };
}

/** Every file below `dir`, relative to it. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name))).map((q) => `${e.name}/${q}`));
    else out.push(e.name);
  }
  return out.sort();
}

/** Raw `start`, as both SDKs send it (Python: sizeBytes as a number, no X-Goog-Upload-File-Name). */
async function rawStart(baseUrl: string, file: Record<string, unknown>, size: number, key = KEY_A): Promise<string> {
  const res = await fetch(`${baseUrl}/upload/v1beta/files`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-goog-api-key': key,
      'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(size),
      'x-goog-upload-header-content-type': String(file.mimeType ?? 'application/octet-stream'),
    },
    body: JSON.stringify({ file }),
  });
  assert.equal(res.status, 200, await res.text());
  const url = res.headers.get('x-goog-upload-url');
  assert.ok(url, 'x-goog-upload-url');
  return url;
}

/** A raw chunk the way Python sends it: only the upload headers (no API key, no user agent). */
function pythonChunk(url: string, command: string, offset: number | undefined, body: Uint8Array): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'x-goog-upload-command': command,
      ...(offset !== undefined ? { 'x-goog-upload-offset': String(offset) } : {}),
      'content-type': 'application/json',
    },
    // A copy backed by a plain ArrayBuffer, which fetch's BodyInit type asks for.
    body: new Uint8Array(body),
  });
}

for (const prefix of ['', '/gemini']) {
  describe(`files (contract, @google/genai${prefix ? `, mounted at ${prefix}` : ''})`, () => {
    let server: TestServer;
    let dataDir: string;
    before(async () => ({ server, dataDir } = await filesServer(prefix)));
    after(() => server?.close());

    it('upload of a small Blob: one chunk, a File with Google\'s shape', async () => {
      const bytes = randomBytes(1000);
      const ai = genai(server.baseUrl, { apiKey: KEY_A });
      const f = await ai.files.upload({ file: new Blob([bytes], { type: 'image/png' }), config: { displayName: 'x' } });
      assert.match(f.name ?? '', /^files\/[a-z0-9]{12}$/);
      assert.equal(f.displayName, 'x');
      assert.equal(f.mimeType, 'image/png');
      assert.equal(f.sizeBytes, '1000');
      assert.equal(f.state, 'ACTIVE');
      assert.equal(f.source, 'UPLOADED');
      assert.equal(f.sha256Hash, googleHash(bytes));
      assert.equal(f.uri, `${server.baseUrl}/v1beta/files/${idOf(f)}`);
      assert.equal(Date.parse(f.expirationTime ?? '') - Date.parse(f.createTime ?? ''), FILE_TTL_MS);
      assert.match(f.createTime ?? '', /Z$/);
    });

    it('upload of 9 MiB: two chunks (8 MiB + 1 MiB), bytes and hash intact, then get, download, delete', async () => {
      const bytes = randomBytes(9 * MIB);
      const ai = genai(server.baseUrl, { apiKey: KEY_A });
      const f = await ai.files.upload({ file: new Blob([bytes], { type: 'application/pdf' }), config: { displayName: 'big.pdf' } });
      assert.equal(f.sizeBytes, String(9 * MIB));
      assert.equal(f.sha256Hash, googleHash(bytes));

      const got = await ai.files.get({ name: f.name ?? '' });
      assert.deepEqual(got, f);
      assert.deepEqual(await ai.files.get({ name: idOf(f) }), f, 'a bare id works too');

      const path = join(workDir, `download-${dirs}-${prefix.length}.pdf`);
      await ai.files.download({ file: f.name ?? '', downloadPath: path });
      const written = await readFile(path);
      assert.equal(written.length, bytes.length);
      assert.ok(written.equals(bytes), 'downloaded bytes equal the uploaded ones');

      await ai.files.delete({ name: f.name ?? '' });
      const { body } = await sdkError(ai.files.get({ name: f.name ?? '' }), 403, 'PERMISSION_DENIED');
      assert.equal(body.error.message, denied(idOf(f)));
      await sdkError(ai.files.delete({ name: f.name ?? '' }), 403, 'PERMISSION_DENIED');
    });

    it('list pages with pageSize 2, newest first, and the pager reaches every file once', async () => {
      const ai = genai(server.baseUrl, { apiKey: KEY_A });
      const before = new Set<string>();
      for await (const f of await ai.files.list()) before.add(f.name ?? '');
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        made.push((await ai.files.upload({ file: new Blob([`file ${i}`], { type: 'text/plain' }) })).name ?? '');
      }
      const pager = await ai.files.list({ config: { pageSize: 2 } });
      assert.equal(pager.page.length, 2);
      const names: string[] = [];
      for await (const f of pager) names.push(f.name ?? '');
      assert.equal(new Set(names).size, names.length, 'no file twice');
      assert.deepEqual(names.filter((n) => !before.has(n)).sort(), [...made].sort());
      assert.equal(names.length, before.size + made.length);
    });

    it('another API key gets 403 with Google\'s text for a file it does not own, and an empty list', async () => {
      const a = genai(server.baseUrl, { apiKey: KEY_A });
      const b = genai(server.baseUrl, { apiKey: KEY_B });
      const f = await a.files.upload({ file: new Blob(['private'], { type: 'text/plain' }) });
      const { body } = await sdkError(b.files.get({ name: f.name ?? '' }), 403, 'PERMISSION_DENIED');
      assert.equal(body.error.message, denied(idOf(f)));
      const missing = await sdkError(b.files.get({ name: 'files/doesnotexist1' }), 403, 'PERMISSION_DENIED');
      assert.equal(missing.body.error.message, denied('doesnotexist1'), 'exactly as for a file that does not exist');
      await sdkError(b.files.delete({ name: f.name ?? '' }), 403, 'PERMISSION_DENIED');
      const bNames: string[] = [];
      for await (const x of await b.files.list()) bNames.push(x.name ?? '');
      assert.equal(bNames.includes(f.name ?? ''), false);
      assert.equal((await a.files.get({ name: f.name ?? '' })).name, f.name);
    });

    it('concurrent uploads (one- and two-chunk) do not mix bytes', async () => {
      const ai = genai(server.baseUrl, { apiKey: KEY_A });
      const contents = [randomBytes(9 * MIB), randomBytes(8 * MIB + 7), randomBytes(10), randomBytes(70_000), randomBytes(1), randomBytes(3 * MIB)];
      const uploaded = await Promise.all(contents.map((c, i) => ai.files.upload({ file: new Blob([c], { type: 'application/octet-stream' }), config: { displayName: `c${i}` } })));
      for (const [i, f] of uploaded.entries()) {
        assert.equal(f.displayName, `c${i}`);
        assert.equal(f.sizeBytes, String(contents[i].length));
        assert.equal(f.sha256Hash, googleHash(contents[i]));
        const res = await fetch(`${server.baseUrl}/v1beta/${f.name}:download?alt=media`, { headers: { 'x-goog-api-key': KEY_A } });
        assert.equal(res.status, 200);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(contents[i]), `file ${i} bytes`);
      }
      assert.equal(new Set(uploaded.map((f) => f.name)).size, contents.length);
    });

    it('Python-style chunks carry no API key and still work; the File belongs to the key that started', async () => {
      const bytes = randomBytes(5000);
      const url = await rawStart(server.baseUrl, { mimeType: 'image/jpeg', sizeBytes: bytes.length }, bytes.length);
      assert.ok(new URL(url).pathname.startsWith(`${prefix}/upload/v1beta/files`), url);
      const first = await pythonChunk(url, 'upload', 0, bytes.subarray(0, 3000));
      assert.equal(first.status, 200, await first.clone().text());
      assert.equal(first.headers.get('x-goog-upload-status'), 'active');
      assert.equal(await first.text(), '');
      const last = await pythonChunk(url, 'upload, finalize', 3000, bytes.subarray(3000));
      assert.equal(last.status, 200);
      assert.equal(last.headers.get('x-goog-upload-status'), 'final');
      const { file } = (await last.json()) as { file: SdkFile };
      assert.equal(file.sha256Hash, googleHash(bytes));
      assert.equal((await genai(server.baseUrl, { apiKey: KEY_A }).files.get({ name: file.name ?? '' })).name, file.name);
      await sdkError(genai(server.baseUrl, { apiKey: KEY_B }).files.get({ name: file.name ?? '' }), 403, 'PERMISSION_DENIED');
    });

    it('the resumable protocol\'s errors and commands over raw HTTP', async () => {
      const url = await rawStart(server.baseUrl, { mimeType: 'text/plain', sizeBytes: '10' }, 10);
      assert.equal((await pythonChunk(url, 'upload', 0, Buffer.from('abcd'))).status, 200);

      const wrong = await pythonChunk(url, 'upload', 7, Buffer.from('x'));
      const body = await rawError(wrong, 400, 'INVALID_ARGUMENT');
      assert.match(body.error.message, /offset/i);
      assert.equal(wrong.headers.get('x-goog-upload-size-received'), '4');

      const query = await pythonChunk(url, 'query', undefined, new Uint8Array(0));
      assert.equal(query.status, 200);
      assert.equal(query.headers.get('x-goog-upload-size-received'), '4');

      const over = await pythonChunk(url, 'upload, finalize', 4, Buffer.from('0123456789'));
      assert.match((await rawError(over, 400, 'INVALID_ARGUMENT')).error.message, /declared size of 10 bytes/);

      const bogus = await pythonChunk(`${server.baseUrl}/upload/v1beta/files?upload_id=${'A'.repeat(32)}&upload_protocol=resumable`, 'upload, finalize', 0, Buffer.from('x'));
      await rawError(bogus, 404, 'NOT_FOUND');
      const traversal = await pythonChunk(`${server.baseUrl}/upload/v1beta/files?upload_id=..%2F..%2Fetc%2Fpasswd`, 'upload', 0, Buffer.from('x'));
      await rawError(traversal, 404, 'NOT_FOUND');

      const tooBig = await fetch(`${server.baseUrl}/upload/v1beta/files`, {
        method: 'POST',
        headers: { 'x-goog-api-key': KEY_A, 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'x-goog-upload-header-content-length': String(3 * 1024 ** 3) },
        body: '{"file":{}}',
      });
      assert.match((await rawError(tooBig, 400, 'INVALID_ARGUMENT')).error.message, /2 GB/);

      const done = await pythonChunk(url, 'upload, finalize', 4, Buffer.from('efghij'));
      assert.equal(done.status, 200);
      assert.equal(((await done.json()) as { file: SdkFile }).file.sizeBytes, '10');

      const cancelUrl = await rawStart(server.baseUrl, { mimeType: 'text/plain' }, 5);
      const cancel = await pythonChunk(cancelUrl, 'cancel', undefined, new Uint8Array(0));
      assert.equal(cancel.status, 200);
      assert.deepEqual(await cancel.json(), {});
      await rawError(await pythonChunk(cancelUrl, 'upload', 0, Buffer.from('x')), 404, 'NOT_FOUND');
    });

    it('a chunk cut off mid-way (client gone) is not received; the upload resumes at the same offset', async () => {
      const bytes = randomBytes(64 * 1024);
      const url = new URL(await rawStart(server.baseUrl, { mimeType: 'application/octet-stream' }, bytes.length));
      const socket = connect(Number(url.port), url.hostname);
      await once(socket, 'connect');
      socket.write(
        `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
          `X-Goog-Upload-Command: upload, finalize\r\nX-Goog-Upload-Offset: 0\r\nContent-Length: ${bytes.length}\r\n\r\n`);
      socket.write(bytes.subarray(0, 20_000));
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      await new Promise((r) => setTimeout(r, 50));
      const query = await pythonChunk(url.href, 'query', undefined, new Uint8Array(0));
      assert.equal(query.headers.get('x-goog-upload-size-received'), '0');
      const done = await pythonChunk(url.href, 'upload, finalize', 0, bytes);
      assert.equal(done.status, 200);
      assert.equal(((await done.json()) as { file: SdkFile }).file.sha256Hash, googleHash(bytes));
    });

    it('a chosen name: files/<id> as asked; reusing it is 409; a bad one is 400', async () => {
      const ai = genai(server.baseUrl, { apiKey: KEY_A });
      const name = `my-doc-${prefix ? 'p' : 'r'}`;
      const f = await ai.files.upload({ file: new Blob(['doc'], { type: 'text/plain' }), config: { name } });
      assert.equal(f.name, `files/${name}`);
      await sdkError(ai.files.upload({ file: new Blob(['doc'], { type: 'text/plain' }), config: { name } }), 409, 'ALREADY_EXISTS');
      // Another key has its own namespace: the name is free there, and its existence is not revealed.
      const b = await genai(server.baseUrl, { apiKey: KEY_B }).files.upload({ file: new Blob(['b'], { type: 'text/plain' }), config: { name } });
      assert.equal(b.name, `files/${name}`);
      await sdkError(ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }), config: { name: '../../evil' } }), 400, 'INVALID_ARGUMENT');
      await sdkError(ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }), config: { name: 'Upper_Case' } }), 400, 'INVALID_ARGUMENT');
    });

    it('nothing is written outside the data dir, whatever the client sends', async () => {
      const ai = genai(server.baseUrl, { apiKey: KEY_A });
      await ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }), config: { displayName: '../../../../../tmp/pwned' } });
      const url = await rawStart(server.baseUrl, { displayName: '/etc/passwd', mimeType: 'text/plain', name: 'files/ok-name' }, 1);
      await pythonChunk(url, 'upload, finalize', 0, Buffer.from('y'));
      const outside = (await readdir(workDir)).filter((n) => !n.startsWith('data') && !n.startsWith('download-'));
      assert.deepEqual(outside, []);
      for (const p of await walk(dataDir)) assert.match(p, /^files\/(blobs\/(data|partial|tmp)\/[A-Za-z0-9_-]+|records\/k[0-9a-f]{40}\/[a-z0-9-]+\.json|uploads\/[A-Za-z0-9_-]{32}\.json)$/, p);
    });
  });
}

describe('files (contract): expiry and sweeping with an injected clock', () => {
  let server: TestServer;
  let files: FileService;
  let clock: FakeClock;
  let dataDir: string;
  before(async () => ({ server, files, clock, dataDir } = await filesServer()));
  after(() => server?.close());

  it('48 h after upload: get is 403 and list is empty at once; the sweep then deletes the bytes', async () => {
    const ai = genai(server.baseUrl, { apiKey: KEY_A });
    const f = await ai.files.upload({ file: new Blob([randomBytes(2048)], { type: 'image/png' }) });
    assert.equal((await ai.files.get({ name: f.name ?? '' })).name, f.name);
    clock.advance(FILE_TTL_MS - 1);
    assert.equal((await ai.files.get({ name: f.name ?? '' })).name, f.name, 'alive until the last millisecond');
    clock.advance(1);
    const { body } = await sdkError(ai.files.get({ name: f.name ?? '' }), 403, 'PERMISSION_DENIED');
    assert.equal(body.error.message, denied(idOf(f)));
    const names: string[] = [];
    for await (const x of await ai.files.list()) names.push(x.name ?? '');
    assert.deepEqual(names, []);
    assert.ok((await walk(join(dataDir, 'files', 'blobs', 'data'))).length > 0, 'bytes still on disk before the sweep');
    assert.deepEqual(await files.sweep(), { files: 1, sessions: 0 });
    assert.deepEqual(await walk(join(dataDir, 'files', 'blobs', 'data')), []);
    assert.deepEqual(await walk(join(dataDir, 'files', 'records')), []);
  });

  it('an abandoned upload answers 404 after its TTL and the sweep deletes its partial data', async () => {
    const url = await rawStart(server.baseUrl, { mimeType: 'application/octet-stream' }, 4 * MIB);
    const half = await pythonChunk(url, 'upload', 0, randomBytes(2 * MIB));
    assert.equal(half.status, 200);
    const partial = join(dataDir, 'files', 'blobs', 'partial');
    assert.equal((await walk(partial)).length, 1);
    const [partialFile] = await walk(partial);
    assert.equal((await readFile(join(partial, partialFile))).length, 2 * MIB);
    clock.advance(UPLOAD_SESSION_TTL_MS);
    await rawError(await pythonChunk(url, 'upload, finalize', 2 * MIB, randomBytes(2 * MIB)), 404, 'NOT_FOUND');
    assert.deepEqual(await files.sweep(), { files: 0, sessions: 1 });
    assert.deepEqual(await walk(partial), []);
    assert.deepEqual(await walk(join(dataDir, 'files', 'uploads')), []);
  });
});
