import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isGemserveError, type GemserveError } from '../../core/errors.js';
import { MemoryBlobStore } from '../blobs/memory-blob-store.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { FILE_TTL_MS, MAX_FILE_BYTES } from '../files/file-record.js';
import { MemoryFileMetadataStore } from '../files/memory-file-metadata-store.js';
import { MemoryUploadSessionStore } from './memory-upload-session-store.js';
import { UPLOAD_SESSION_TTL_MS } from './upload-session.js';
import { UploadService } from './upload-service.js';

function setup() {
  const clock = new FakeClock();
  const blobs = new MemoryBlobStore();
  const metadata = new MemoryFileMetadataStore();
  const sessions = new MemoryUploadSessionStore();
  return { clock, blobs, metadata, sessions, uploads: new UploadService({ clock, blobs, metadata, sessions }) };
}

const b = (s: string) => new Uint8Array(Buffer.from(s));
const googleHash = (s: string) => Buffer.from(createHash('sha256').update(s).digest('hex')).toString('base64');

async function failure(p: Promise<unknown>): Promise<GemserveError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(isGemserveError(e), `expected a GemserveError, got ${String(e)}`);
  return e;
}

describe('UploadService', () => {
  it('start → chunks → finalize makes an ACTIVE File with Google-format hash and 48 h expiry', async () => {
    const { uploads, clock, metadata, blobs } = setup();
    const s = await uploads.start({ owner: 'alice', displayName: 'greeting', mimeType: 'text/plain', declaredSize: 11 });
    assert.deepEqual(await uploads.append(s.id, 0, b('hello '), false), { status: 'active', receivedBytes: 6 });
    assert.equal(await metadata.get('alice', s.id), undefined);
    assert.deepEqual(await metadata.list('alice'), [], 'no File before finalize');
    clock.advance(1000);
    const r = await uploads.append(s.id, 6, b('world'), true);
    assert.equal(r.status, 'final');
    if (r.status !== 'final') return;
    const f = r.file;
    assert.match(f.id, /^[a-z0-9]{12}$/);
    assert.equal(f.name, `files/${f.id}`);
    assert.equal(f.displayName, 'greeting');
    assert.equal(f.sizeBytes, 11);
    assert.equal(f.sha256Hash, googleHash('hello world'));
    assert.equal(f.createTime, clock.now());
    assert.equal(f.expirationTime, clock.now() + FILE_TTL_MS);
    assert.equal(Buffer.from((await blobs.read(f.blobKey)) ?? []).toString(), 'hello world');
    assert.deepEqual(await metadata.get('alice', f.id), f);
    assert.equal(await uploads.status(s.id), undefined, 'the session ends with the upload');
    assert.deepEqual(await blobs.partialKeys(), []);
  });

  it('a zero-byte file can be finalized at once, and a bare finalize adds nothing', async () => {
    const { uploads } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'text/plain', declaredSize: 0 });
    const r = await uploads.append(s.id, 0, new Uint8Array(0), true);
    assert.equal(r.status === 'final' && r.file.sha256Hash, googleHash(''));
  });

  it('a wrong offset is INVALID_ARGUMENT with the received size in the headers, and changes nothing', async () => {
    const { uploads } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'text/plain', declaredSize: 10 });
    await uploads.append(s.id, 0, b('abc'), false);
    for (const offset of [0, 2, 4]) {
      const e = await failure(uploads.append(s.id, offset, b('x'), false));
      assert.equal(e.status, 'INVALID_ARGUMENT');
      assert.equal(e.headers['x-goog-upload-size-received'], '3');
      assert.match(e.message, /offset/i);
    }
    assert.equal((await uploads.status(s.id))?.receivedBytes, 3);
  });

  it('bytes beyond the declared size are refused whole; a final size other than the declared one too', async () => {
    const { uploads } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'text/plain', declaredSize: 4 });
    await uploads.append(s.id, 0, b('ab'), false);
    const e = await failure(uploads.append(s.id, 2, b('cde'), true));
    assert.equal(e.status, 'INVALID_ARGUMENT');
    assert.match(e.message, /declared size of 4 bytes/);
    assert.equal((await uploads.status(s.id))?.receivedBytes, 2);
    const short = await failure(uploads.append(s.id, 2, b('c'), true));
    assert.match(short.message, /3 bytes were uploaded but the declared size is 4/);
    const r = await uploads.append(s.id, 3, b('d'), true);
    assert.equal(r.status, 'final', 'the session survives a refused chunk');
  });

  it('start refuses more than 2 GB, bad names, long display names; a taken name is ALREADY_EXISTS', async () => {
    const { uploads } = setup();
    assert.equal((await failure(uploads.start({ owner: 'a', mimeType: 'x/y', declaredSize: MAX_FILE_BYTES + 1 }))).status, 'INVALID_ARGUMENT');
    assert.equal((await failure(uploads.start({ owner: 'a', mimeType: 'x/y', declaredSize: -1 }))).status, 'INVALID_ARGUMENT');
    for (const bad of ['-abc', 'abc-', 'ABC', 'a_b', '../x', 'a'.repeat(41), '']) {
      const e = await failure(uploads.start({ owner: 'a', mimeType: 'x/y', fileId: bad }));
      assert.match(e.message, /lowercase alphanumeric or dashes/, bad);
    }
    assert.equal((await failure(uploads.start({ owner: 'a', mimeType: 'x/y', displayName: 'x'.repeat(513) }))).status, 'INVALID_ARGUMENT');
    const s = await uploads.start({ owner: 'a', mimeType: 'x/y', fileId: 'my-file-1', declaredSize: 1 });
    const r = await uploads.append(s.id, 0, b('1'), true);
    assert.equal(r.status === 'final' && r.file.name, 'files/my-file-1');
    const e = await failure(uploads.start({ owner: 'a', mimeType: 'x/y', fileId: 'my-file-1' }));
    assert.equal(e.status, 'ALREADY_EXISTS');
    assert.equal(e.message, 'File files/my-file-1 already exists.');
    // Another owner has a namespace of its own.
    await uploads.start({ owner: 'b', mimeType: 'x/y', fileId: 'my-file-1' });
  });

  it('two sessions racing for one name: the second finalize is ALREADY_EXISTS and leaves nothing behind', async () => {
    const { uploads, blobs, sessions } = setup();
    const s1 = await uploads.start({ owner: 'a', mimeType: 'x/y', fileId: 'dup', declaredSize: 1 });
    const s2 = await uploads.start({ owner: 'a', mimeType: 'x/y', fileId: 'dup', declaredSize: 1 });
    await uploads.append(s1.id, 0, b('1'), true);
    const e = await failure(uploads.append(s2.id, 0, b('2'), true));
    assert.equal(e.status, 'ALREADY_EXISTS');
    assert.equal((await blobs.keys()).length, 1);
    assert.deepEqual(await blobs.partialKeys(), []);
    assert.deepEqual(await sessions.listAll(), []);
  });

  it('a chunk whose body fails half-way is undone; resending it gives the right hash', async () => {
    const { uploads } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'x/y', declaredSize: 6 });
    await uploads.append(s.id, 0, b('abc'), false);
    async function* broken() {
      yield b('d');
      throw new Error('socket hang up');
    }
    await assert.rejects(uploads.append(s.id, 3, broken(), false), /socket hang up/);
    assert.equal((await uploads.status(s.id))?.receivedBytes, 3);
    const r = await uploads.append(s.id, 3, b('def'), true);
    assert.equal(r.status === 'final' && r.file.sha256Hash, googleHash('abcdef'));
  });

  it('concurrent chunks of one session are applied one at a time', async () => {
    const { uploads } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'x/y', declaredSize: 4 });
    const results = await Promise.allSettled([uploads.append(s.id, 0, b('ab'), false), uploads.append(s.id, 0, b('ab'), false)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((await uploads.status(s.id))?.receivedBytes, 2);
  });

  it('cancel ends the session and deletes its data; unknown ids are NOT_FOUND', async () => {
    const { uploads, blobs } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'x/y' });
    await uploads.append(s.id, 0, b('abc'), false);
    await uploads.cancel(s.id);
    assert.deepEqual(await blobs.partialKeys(), []);
    assert.equal((await failure(uploads.append(s.id, 3, b('d'), true))).status, 'NOT_FOUND');
    assert.equal((await failure(uploads.cancel(s.id))).status, 'NOT_FOUND');
    assert.equal((await failure(uploads.append('nope', 0, b('d'), true))).status, 'NOT_FOUND');
  });

  it('without a declared size the 2 GB limit still applies, and any final size is accepted', async () => {
    const { uploads } = setup();
    const s = await uploads.start({ owner: 'a', mimeType: 'x/y' });
    const r = await uploads.append(s.id, 0, b('whatever'), true);
    assert.equal(r.status === 'final' && r.file.sizeBytes, 8);
  });

  it('an idle session is dead at the TTL, before any sweep; the sweep then deletes it and its data', async () => {
    const { uploads, clock, blobs, sessions } = setup();
    const idle = await uploads.start({ owner: 'a', mimeType: 'x/y' });
    await uploads.append(idle.id, 0, b('abc'), false);
    clock.advance(UPLOAD_SESSION_TTL_MS / 2);
    const busy = await uploads.start({ owner: 'a', mimeType: 'x/y' });
    clock.advance(UPLOAD_SESSION_TTL_MS / 2 - 1);
    await uploads.append(busy.id, 0, b('x'), false); // activity renews the session
    assert.equal((await uploads.status(idle.id))?.receivedBytes, 3);
    clock.advance(1);
    assert.equal(await uploads.status(idle.id), undefined, 'expired: invisible at once');
    assert.equal((await failure(uploads.append(idle.id, 3, b('d'), true))).status, 'NOT_FOUND');
    assert.equal((await sessions.listAll()).length, 2, 'not yet swept');
    assert.equal(await uploads.sweep(), 1);
    assert.deepEqual((await sessions.listAll()).map((x) => x.id), [busy.id]);
    assert.deepEqual(await blobs.partialKeys(), [busy.blobKey]);
    assert.equal((await uploads.status(busy.id))?.receivedBytes, 1);
  });
});
