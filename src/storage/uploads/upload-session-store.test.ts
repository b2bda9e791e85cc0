import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { randomToken } from '../random-id.js';
import { DiskUploadSessionStore } from './disk-upload-session-store.js';
import { MemoryUploadSessionStore } from './memory-upload-session-store.js';
import { isSessionExpired, UPLOAD_ID_PATTERN, UPLOAD_SESSION_TTL_MS, type UploadSession } from './upload-session.js';
import type { UploadSessionStore } from './upload-session-store.js';

const base = await mkdtemp(join(tmpdir(), 'gemserve-sessions-'));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;

const session = (over: Partial<UploadSession> = {}): UploadSession => ({
  id: randomToken(24), owner: 'alice', mimeType: 'image/png', declaredSize: 10,
  createTime: 1, updateTime: 1, blobKey: randomToken(16), ...over,
});

for (const [name, make] of [
  ['memory', () => new MemoryUploadSessionStore()],
  ['disk', () => new DiskUploadSessionStore(join(base, `s${n++}`))],
] as Array<[string, () => UploadSessionStore]>) {
  describe(`UploadSessionStore: ${name}`, () => {
    it('put, get, replace, list, delete', async () => {
      const s = make();
      const a = session();
      await s.put(a);
      assert.deepEqual(await s.get(a.id), a);
      await s.put({ ...a, updateTime: 5 });
      assert.equal((await s.get(a.id))?.updateTime, 5);
      assert.deepEqual((await s.listAll()).map((x) => x.id), [a.id]);
      await s.delete(a.id);
      await s.delete(a.id);
      assert.equal(await s.get(a.id), undefined);
      assert.deepEqual(await s.listAll(), []);
    });

    it('unknown or malformed ids are simply absent', async () => {
      const s = make();
      for (const id of [randomToken(24), '../../etc/passwd', '', 'x'.repeat(32)]) assert.equal(await s.get(id), undefined);
    });
  });
}

describe('upload sessions', () => {
  it('ids are 192-bit base64url tokens', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomToken(24)));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, UPLOAD_ID_PATTERN);
  });

  it('expire after the TTL of inactivity', () => {
    const s = session({ updateTime: 1000 });
    assert.equal(isSessionExpired(s, 1000 + UPLOAD_SESSION_TTL_MS - 1), false);
    assert.equal(isSessionExpired(s, 1000 + UPLOAD_SESSION_TTL_MS), true);
  });

  it('the disk store writes one JSON file per session and nothing else', async () => {
    const root = join(base, 'one');
    const s = new DiskUploadSessionStore(root);
    const a = session();
    await s.put(a);
    await s.put({ ...a, updateTime: 2 });
    assert.deepEqual(await readdir(root), [`${a.id}.json`]);
  });
});
