/** The behaviour every FileMetadataStore must have, run against each implementation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileMetadataStore } from './file-metadata-store.js';
import type { FileRecord } from './file-record.js';

/** A record with defaults; `createTime` orders listings. */
export function fileRecord(id: string, over: Partial<FileRecord> = {}): FileRecord {
  return {
    id,
    name: `files/${id}`,
    mimeType: 'image/png',
    sizeBytes: 3,
    createTime: 1000,
    updateTime: 1000,
    expirationTime: 1000 + 48 * 3600 * 1000,
    sha256Hash: 'aGFzaA==',
    state: 'ACTIVE',
    source: 'UPLOADED',
    owner: 'alice',
    blobKey: `blob-${id}`,
    ...over,
  };
}

export function fileMetadataStoreCases(name: string, make: () => Promise<FileMetadataStore>): void {
  describe(`FileMetadataStore: ${name}`, () => {
    it('create, get, delete; a second create of the same id is refused', async () => {
      const s = await make();
      const r = fileRecord('abc', { displayName: 'cat.png' });
      assert.equal(await s.create(r), true);
      assert.deepEqual(await s.get('alice', 'abc'), r);
      assert.equal(await s.create(fileRecord('abc', { mimeType: 'text/plain' })), false);
      assert.equal((await s.get('alice', 'abc'))?.mimeType, 'image/png');
      assert.equal(await s.delete('alice', 'abc'), true);
      assert.equal(await s.delete('alice', 'abc'), false);
      assert.equal(await s.get('alice', 'abc'), undefined);
    });

    it('owners have separate namespaces', async () => {
      const s = await make();
      assert.equal(await s.create(fileRecord('same', { owner: 'alice' })), true);
      assert.equal(await s.create(fileRecord('same', { owner: 'bob', mimeType: 'text/plain' })), true);
      assert.equal((await s.get('bob', 'same'))?.mimeType, 'text/plain');
      assert.equal(await s.get('carol', 'same'), undefined);
      assert.deepEqual((await s.list('alice')).map((r) => r.owner), ['alice']);
      assert.equal((await s.listAll()).length, 2);
    });

    it('lists newest first, then by id', async () => {
      const s = await make();
      await s.create(fileRecord('b', { createTime: 2 }));
      await s.create(fileRecord('c', { createTime: 3 }));
      await s.create(fileRecord('a', { createTime: 2 }));
      await s.create(fileRecord('z', { createTime: 1 }));
      assert.deepEqual((await s.list('alice')).map((r) => r.id), ['c', 'a', 'b', 'z']);
      assert.deepEqual(await s.list('nobody'), []);
    });

    it('of two concurrent creates of one id, exactly one wins', async () => {
      const s = await make();
      const results = await Promise.all([1, 2, 3].map((i) => s.create(fileRecord('race', { sizeBytes: i }))));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('returns copies: changing a returned record does not change the store', async () => {
      const s = await make();
      await s.create(fileRecord('abc'));
      const got = await s.get('alice', 'abc');
      if (got) got.sizeBytes = 999;
      assert.equal((await s.get('alice', 'abc'))?.sizeBytes, 3);
    });
  });
}
