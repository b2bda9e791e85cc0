import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { FILE_TTL_MS } from '../../storage/files/file-record.js';
import type { FileService } from '../../storage/files/file-service.js';
import { createMemoryFileService } from '../../storage/open-file-service.js';
import { callerIdOf } from '../../gateway/keys/caller-id.js';
import { createApp } from '../create-app.js';

const KEYS = ['alice-key', 'bob-key'];

async function makeApp(mountPrefix = ''): Promise<{ app: FastifyInstance; files: FileService; clock: FakeClock }> {
  const clock = new FakeClock();
  const files = createMemoryFileService({ clock });
  const app = await createApp({ catalog: new ModelCatalog([]), apiKeys: KEYS, bodyLimitBytes: 1024, files, mountPrefix });
  return { app, files, clock };
}

async function upload(files: FileService, key: string, content: string, extra: { displayName?: string; mimeType?: string } = {}) {
  const s = await files.uploads.start({ owner: callerIdOf(key), mimeType: extra.mimeType ?? 'text/plain', declaredSize: content.length, ...(extra.displayName ? { displayName: extra.displayName } : {}) });
  const r = await files.uploads.append(s.id, 0, Buffer.from(content), true);
  return r.status === 'final' ? r.file : assert.fail('not final');
}

const get = (app: FastifyInstance, url: string, key = 'alice-key') => app.inject({ url, headers: { 'x-goog-api-key': key } });

describe('files routes', () => {
  it('get returns the File in wire form; every API version serves it; uri carries the mount prefix', async () => {
    const { app, files } = await makeApp('/gemini');
    const f = await upload(files, 'alice-key', 'hello', { displayName: 'greeting' });
    for (const v of ['v1beta', 'v1', 'v1alpha']) {
      const res = await get(app, `/gemini/${v}/files/${f.id}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), {
        name: f.name, displayName: 'greeting', mimeType: 'text/plain', sizeBytes: '5',
        createTime: '2025-01-01T00:00:00.000Z', updateTime: '2025-01-01T00:00:00.000Z', expirationTime: '2025-01-03T00:00:00.000Z',
        sha256Hash: f.sha256Hash, uri: `http://localhost:80/gemini/v1beta/files/${f.id}`, state: 'ACTIVE', source: 'UPLOADED',
      });
    }
  });

  it("another key gets exactly what a missing file gets: 403 with Google's text", async () => {
    const { app, files } = await makeApp();
    const f = await upload(files, 'alice-key', 'secret');
    const other = await get(app, `/v1beta/files/${f.id}`, 'bob-key');
    const missing = await get(app, '/v1beta/files/doesnotexist1', 'bob-key');
    assert.equal(other.statusCode, 403);
    assert.deepEqual(other.json(), { error: { code: 403, status: 'PERMISSION_DENIED', message: `You do not have permission to access the File ${f.id} or it may not exist.` } });
    assert.deepEqual(missing.json().error.message, 'You do not have permission to access the File doesnotexist1 or it may not exist.');
    assert.equal((await get(app, `/v1beta/files/${f.id}:download?alt=media`, 'bob-key')).statusCode, 403);
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1beta/files/${f.id}`, headers: { 'x-goog-api-key': 'bob-key' } })).statusCode, 403);
    assert.deepEqual((await get(app, '/v1beta/files', 'bob-key')).json(), { files: [] });
    assert.equal((await get(app, `/v1beta/files/${f.id}`)).statusCode, 200, 'the owner still has it');
  });

  it('list pages newest first with an opaque token, no nextPageToken on the last page; default 10, max 100', async () => {
    const { app, files, clock } = await makeApp();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.unshift((await upload(files, 'alice-key', `f${i}`)).id);
      clock.advance(1000);
    }
    const all = (await get(app, '/v1beta/files')).json();
    assert.equal(all.files.length, 10, 'default page size');
    assert.ok(all.nextPageToken);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await get(app, `/v1beta/files?pageSize=5${token ? `&pageToken=${token}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      seen.push(...body.files.map((f: { name: string }) => f.name.slice(6)));
      token = body.nextPageToken;
      pages++;
      // A file uploaded mid-listing neither repeats nor hides the others.
      if (pages === 1) await upload(files, 'alice-key', 'late');
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ids);
    assert.equal((await get(app, '/v1beta/files?pageSize=1000')).json().files.length, 13, 'capped at 100, here all 13');
    assert.equal((await get(app, '/v1beta/files?page_size=2')).json().files.length, 2, 'snake_case query');
    assert.equal((await get(app, '/v1beta/files?pageSize=-1')).statusCode, 400);
    assert.equal((await get(app, '/v1beta/files?pageSize=abc')).statusCode, 400);
    assert.equal((await get(app, '/v1beta/files?pageToken=bogus')).statusCode, 400);
  });

  it('download streams the bytes with the File\'s MIME type, only for its owner', async () => {
    const { app, files } = await makeApp();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const s = await files.uploads.start({ owner: callerIdOf('alice-key'), mimeType: 'image/png', declaredSize: png.length });
    const r = await files.uploads.append(s.id, 0, png, true);
    const id = r.status === 'final' ? r.file.id : '';
    const res = await get(app, `/v1beta/files/${id}:download?alt=media`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(res.rawPayload, png);
    assert.equal((await get(app, `/v1beta/files/${id}:explode`)).statusCode, 404);
  });

  it('delete answers {} and the file is gone; expired files vanish from get and list at once', async () => {
    const { app, files, clock } = await makeApp();
    const a = await upload(files, 'alice-key', 'a');
    const b = await upload(files, 'alice-key', 'b');
    const del = await app.inject({ method: 'DELETE', url: `/v1beta/files/${a.id}`, headers: { 'x-goog-api-key': 'alice-key', 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(del.statusCode, 200);
    assert.deepEqual(del.json(), {});
    assert.equal((await get(app, `/v1beta/files/${a.id}`)).statusCode, 403);
    clock.advance(FILE_TTL_MS);
    assert.equal((await get(app, `/v1beta/files/${b.id}`)).statusCode, 403);
    assert.deepEqual((await get(app, '/v1beta/files')).json(), { files: [] });
  });

  it('files routes need an API key like every call', async () => {
    const { app } = await makeApp();
    assert.equal((await app.inject('/v1beta/files')).statusCode, 403);
    assert.equal((await get(app, '/v1beta/files', 'wrong')).statusCode, 400);
  });
});
