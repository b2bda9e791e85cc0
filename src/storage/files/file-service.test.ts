import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isGemserveError } from '../../core/errors.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { createMemoryFileService, openLocalFileService } from '../open-file-service.js';
import { UPLOAD_SESSION_TTL_MS } from '../uploads/upload-session.js';
import { FILE_TTL_MS } from './file-record.js';
import type { FileService } from './file-service.js';

const base = await mkdtemp(join(tmpdir(), 'gemserve-files-'));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
const b = (s: string) => new Uint8Array(Buffer.from(s));

async function upload(files: FileService, owner: string, content: string, fileId?: string) {
  const s = await files.uploads.start({ owner, mimeType: 'text/plain', declaredSize: content.length, ...(fileId ? { fileId } : {}) });
  const r = await files.uploads.append(s.id, 0, b(content), true);
  assert.equal(r.status, 'final');
  return r.status === 'final' ? r.file : assert.fail();
}

async function denied(p: Promise<unknown>, id: string) {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(isGemserveError(e), String(e));
  assert.equal(e.status, 'PERMISSION_DENIED');
  assert.equal(e.message, `You do not have permission to access the File ${id} or it may not exist.`);
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

describe('FileService', () => {
  it('get, list (newest first), readForOwner by name, bare id or uri, delete', async () => {
    const clock = new FakeClock();
    const files = createMemoryFileService({ clock });
    const one = await upload(files, 'alice', 'one');
    clock.advance(1);
    const two = await upload(files, 'alice', 'two');
    assert.equal((await files.get('alice', one.id)).name, one.name);
    assert.deepEqual((await files.list('alice')).map((f) => f.id), [two.id, one.id]);
    for (const ref of [one.name, one.id, `http://localhost:8080/v1beta/files/${one.id}`, `https://x.example/gemini/v1beta/files/${one.id}`]) {
      const { record, bytes } = await files.readForOwner(ref, 'alice');
      assert.equal(record.id, one.id);
      assert.equal(Buffer.from(bytes).toString(), 'one');
    }
    await files.delete('alice', one.id);
    await denied(files.get('alice', one.id), one.id);
    await denied(files.delete('alice', one.id), one.id);
    assert.deepEqual((await files.list('alice')).map((f) => f.id), [two.id]);
  });

  it("another owner's file answers exactly like a missing one", async () => {
    const files = createMemoryFileService();
    const f = await upload(files, 'alice', 'secret');
    await denied(files.get('bob', f.id), f.id);
    await denied(files.readForOwner(f.name, 'bob'), f.id);
    await denied(files.delete('bob', f.id), f.id);
    await denied(files.get('bob', 'doesnotexist1'), 'doesnotexist1');
    assert.deepEqual(await files.list('bob'), []);
    assert.equal((await files.get('alice', f.id)).id, f.id, 'still there for its owner');
    const e = await files.readForOwner('gs://bucket/x', 'alice').catch((err: unknown) => err);
    assert.ok(isGemserveError(e) && e.status === 'INVALID_ARGUMENT');
  });

  it('an expired file is invisible at once; the sweep deletes expired files and abandoned uploads, nothing else', async () => {
    const clock = new FakeClock();
    const files = createMemoryFileService({ clock });
    const old = await upload(files, 'alice', 'old');
    const abandoned = await files.uploads.start({ owner: 'alice', mimeType: 'text/plain' });
    await files.uploads.append(abandoned.id, 0, b('part'), false);
    clock.advance(FILE_TTL_MS - UPLOAD_SESSION_TTL_MS / 2);
    const fresh = await upload(files, 'alice', 'fresh');
    const active = await files.uploads.start({ owner: 'alice', mimeType: 'text/plain' });
    clock.advance(UPLOAD_SESSION_TTL_MS / 2);
    await denied(files.get('alice', old.id), old.id);
    await denied(files.readForOwner(old.name, 'alice'), old.id);
    assert.deepEqual((await files.list('alice')).map((f) => f.id), [fresh.id]);
    assert.deepEqual(await files.sweep(), { files: 1, sessions: 1 });
    assert.deepEqual(await files.sweep(), { files: 0, sessions: 0 });
    assert.equal((await files.get('alice', fresh.id)).id, fresh.id);
    assert.equal((await files.uploads.status(active.id))?.receivedBytes, 0);
    assert.equal(await files.uploads.status(abandoned.id), undefined);
  });

  it('an expired name can be reused', async () => {
    const clock = new FakeClock();
    const files = createMemoryFileService({ clock });
    await upload(files, 'alice', 'v1', 'doc');
    clock.advance(FILE_TTL_MS);
    const again = await upload(files, 'alice', 'v2', 'doc');
    assert.equal(Buffer.from((await files.readForOwner('files/doc', 'alice')).bytes).toString(), 'v2');
    assert.equal(again.createTime, clock.now());
  });

  it('the sweeper runs on its timer and stops on close', async () => {
    const clock = new FakeClock();
    const files = createMemoryFileService({ clock });
    const f = await upload(files, 'alice', 'x');
    clock.advance(FILE_TTL_MS);
    files.startSweeper(5);
    await new Promise((r) => setTimeout(r, 40));
    await files.close();
    const all = await files.list('alice');
    assert.deepEqual(all, []);
    await denied(files.get('alice', f.id), f.id);
  });
});

describe('FileService on disk (openLocalFileService)', () => {
  it('keeps everything below <dataDir>/files, and the sweep deletes partial data and expired bytes from disk', async () => {
    const dataDir = join(base, `data${n++}`);
    const clock = new FakeClock();
    const files = await openLocalFileService({ dataDir, clock });
    assert.deepEqual(await walk(base).then((all) => all.filter((p) => p.startsWith(`data${n - 1}`))), [], 'nothing written before the first upload');
    const kept = await upload(files, 'alice', 'kept');
    clock.advance(FILE_TTL_MS - 1);
    const gone = await files.uploads.start({ owner: 'alice', mimeType: 'text/plain', displayName: '../../../../etc/passwd' });
    await files.uploads.append(gone.id, 0, b('partial bytes'), false);
    const before = await walk(dataDir);
    assert.deepEqual(before.filter((p) => !p.startsWith('files/')), []);
    assert.ok(before.includes(`files/blobs/partial/${gone.blobKey}`), before.join());
    assert.ok(before.includes(`files/uploads/${gone.id}.json`));
    assert.ok(before.includes(`files/records/alice/${kept.id}.json`));
    assert.ok(before.includes(`files/blobs/data/${kept.blobKey}`));
    clock.advance(UPLOAD_SESSION_TTL_MS);
    assert.deepEqual(await files.sweep(), { files: 1, sessions: 1 });
    assert.deepEqual(await walk(dataDir), [], 'no bytes, records or sessions left');
    await files.close();
  });

  it('an upload survives a restart (its hash is recomputed), and reconcile removes what a crash left', async () => {
    const dataDir = join(base, `data${n++}`);
    const first = await openLocalFileService({ dataDir });
    const s = await first.uploads.start({ owner: 'alice', mimeType: 'text/plain', declaredSize: 6 });
    await first.uploads.append(s.id, 0, b('abc'), false);
    await first.close();
    // A crash between commits: bytes with no record, partial data with no session.
    await mkdir(join(dataDir, 'files', 'blobs', 'data'), { recursive: true });
    await writeFile(join(dataDir, 'files', 'blobs', 'data', 'orphan'), 'x');
    await writeFile(join(dataDir, 'files', 'blobs', 'partial', 'orphan2'), 'y');
    const second = await openLocalFileService({ dataDir });
    const r = await second.uploads.append(s.id, 3, b('def'), true);
    assert.equal(r.status, 'final');
    const hex = createHash('sha256').update('abcdef').digest('hex');
    assert.equal(r.status === 'final' && r.file.sha256Hash, Buffer.from(hex).toString('base64'));
    const after = await walk(join(dataDir, 'files', 'blobs'));
    assert.equal(after.includes('data/orphan'), false);
    assert.equal(after.includes('partial/orphan2'), false);
    const third = await openLocalFileService({ dataDir });
    assert.equal(Buffer.from((await third.readForOwner(r.status === 'final' ? r.file.name : '', 'alice')).bytes).toString(), 'abcdef');
  });
});
