/**
 * Files are bounded per key and per server (issue 14, item 5): Google's 20 GB per project
 * (ai.google.dev/gemini-api/docs/files) as a per-key quota, and a server-wide one. An upload past
 * either is Google's 429 RESOURCE_EXHAUSTED with a `file_storage_bytes` QuotaFailure: at its
 * start from the declared size, or mid-stream for a client that declared nothing, whose partial
 * bytes are then deleted. Deleting Files frees room.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import type { FileService } from '../../src/storage/files/file-service.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { genai, rawError } from '../contract/helpers/clients.js';
import { startServer, type TestServer } from '../contract/helpers/start-server.js';

const [A, B, C] = ['key-a', 'key-b', 'key-c'];
const PER_KEY = 1_000;
const TOTAL = 2_000;
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';

describe('storage quotas (abuse)', () => {
  let server: TestServer;
  let files: FileService;
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gemserve-storage-quota-'));
    files = await openLocalFileService({ dataDir, clock: new FakeClock() });
    files.limitStorage({ perOwnerBytes: PER_KEY, totalBytes: TOTAL });
    server = await startServer({ bindings: [{ id: 'gemini-2.0-flash', engine: new FakeEngine() }], apiKeys: [A, B, C], files });
  });
  after(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (key: string, size?: number) => fetch(`${server.baseUrl}/upload/v1beta/files`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-goog-api-key': key,
      'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start',
      ...(size !== undefined ? { 'x-goog-upload-header-content-length': String(size) } : {}),
      'x-goog-upload-header-content-type': 'application/octet-stream',
    },
    body: JSON.stringify({ file: {} }),
  });
  const chunk = (url: string, command: string, offset: number, n: number) => fetch(url, {
    method: 'POST',
    headers: { 'x-goog-upload-command': command, 'x-goog-upload-offset': String(offset) },
    body: new Uint8Array(n),
  });
  const upload = (key: string, n: number) => genai(server.baseUrl, { apiKey: key }).files.upload({ file: new Blob([new Uint8Array(n)], { type: 'application/octet-stream' }) });
  const quotaOf = async (res: Response) => {
    const body = await rawError(res, 429, 'RESOURCE_EXHAUSTED');
    assert.match(body.error.message, /Quota exceeded for metric: generativelanguage\.googleapis\.com\/file_storage_bytes, limit: \d+/);
    const failure = body.error.details?.find((d) => d['@type'] === QUOTA_FAILURE) as unknown as { violations: Array<{ quotaId: string; quotaValue: string }> };
    return failure.violations[0];
  };
  // Partial uploads live in <dataDir>/files/blobs/partial (storage/open-file-service.ts).
  const partials = async () => (await readdir(join(dataDir, 'files', 'blobs', 'partial'))).length;

  it('refuses at start an upload whose declared size passes the key\'s quota (Google\'s 429)', async () => {
    await upload(A, 600);
    const refused = await quotaOf(await start(A, 500));
    assert.deepEqual(refused, { quotaMetric: 'generativelanguage.googleapis.com/file_storage_bytes', quotaId: 'FileStorageBytesPerProject', quotaValue: String(PER_KEY) });
    // A declared size reserves its room: a second start cannot claim it too.
    const first = await start(A, 400);
    assert.equal(first.status, 200);
    assert.equal((await quotaOf(await start(A, 1))).quotaId, 'FileStorageBytesPerProject');
    await chunk(first.headers.get('x-goog-upload-url')!, 'cancel', 0, 0);
  });

  it('stops mid-stream a client that declared nothing, and frees its partial bytes', async () => {
    const before = await partials();
    const res = await start(A);
    assert.equal(res.status, 200);
    const url = res.headers.get('x-goog-upload-url')!;
    assert.equal((await chunk(url, 'upload', 0, 256)).status, 200, 'within the quota');
    assert.equal(await partials(), before + 1);
    assert.equal((await quotaOf(await chunk(url, 'upload, finalize', 256, 256))).quotaId, 'FileStorageBytesPerProject');
    assert.equal(await partials(), before, 'the partial bytes are deleted');
    const query = await fetch(url, { method: 'POST', headers: { 'x-goog-upload-command': 'query' } });
    assert.equal(query.status, 404, 'the session is gone');
    assert.equal((await start(A, 400)).status, 200, 'the room is back');
  });

  it('bounds the server as a whole, and a deleted File frees its room', async () => {
    const b = await upload(B, 900);
    // 600 (A) + 400 (A's open session) + 900 (B) of 2,000: C has 1,000 of its own but 100 of the server's.
    assert.deepEqual((await quotaOf(await start(C, 200))).quotaValue, String(TOTAL));
    assert.equal((await quotaOf(await start(C, 200))).quotaId, 'FileStorageBytesPerServer');
    await genai(server.baseUrl, { apiKey: B }).files.delete({ name: b.name! });
    assert.equal((await start(C, 200)).status, 200);
  });
});
