/**
 * The shared CachedContentStore contract: every implementation registers it from its own test
 * and must pass all of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import type { NewCachedContent } from './cached-content-record.js';
import type { CachedContentStore } from './cached-content-store.js';

/** Opens a fresh, empty store on the given clock; the suite closes it. */
export type OpenCachedContentStore = (clock: FakeClock) => Promise<CachedContentStore> | CachedContentStore;

const HOUR = 3600_000;

/** A new cached content with defaults. */
export function newCachedContent(over: Partial<NewCachedContent> = {}): NewCachedContent {
  return { owner: 'alice', model: 'gemini-2.0-flash', contents: [{ role: 'user', parts: [{ text: 'a long document' }] }], totalTokenCount: 3, ...over };
}

export function runCachedContentStoreContract(name: string, open: OpenCachedContentStore): void {
  describe(`CachedContentStore contract: ${name}`, () => {
    const withStore = (fn: (store: CachedContentStore, clock: FakeClock) => Promise<void>) => async () => {
      const clock = new FakeClock();
      const store = await open(clock);
      try {
        await fn(store, clock);
      } finally {
        await store.close();
      }
    };

    it('create keeps every field and stamps id and times; get returns it to its owner only', withStore(async (store) => {
      const full = newCachedContent({
        displayName: 'docs', systemInstruction: { parts: [{ text: 'be brief' }] },
        tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { user_id: { type: 'STRING' } } } }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY' } }, totalTokenCount: 1234,
      });
      const record = await store.create(full, { ttlMs: HOUR });
      assert.match(record.id, /^[a-z0-9]{12}$/);
      const t0 = Date.UTC(2025, 0, 1);
      assert.deepEqual(record, { ...full, id: record.id, createTime: t0, updateTime: t0, expireTime: t0 + HOUR });
      assert.deepEqual(await store.get('alice', record.id), record);
      assert.equal(await store.get('bob', record.id), undefined);
      assert.equal(await store.get('alice', 'nope'), undefined);
      const plain = await store.create(newCachedContent(), { expireTime: t0 + 5000 });
      assert.deepEqual(await store.get('alice', plain.id), plain);
      assert.equal(plain.expireTime, t0 + 5000);
      assert.equal('displayName' in plain || 'tools' in plain || 'systemInstruction' in plain || 'toolConfig' in plain, false);
    }));

    it('list gives the owner\'s live records, newest first', withStore(async (store, clock) => {
      const a = await store.create(newCachedContent(), { ttlMs: HOUR });
      clock.advance(10);
      const b = await store.create(newCachedContent(), { ttlMs: 10 });
      clock.advance(10);
      const c = await store.create(newCachedContent(), { ttlMs: HOUR });
      await store.create(newCachedContent({ owner: 'bob' }), { ttlMs: HOUR });
      assert.deepEqual((await store.list('alice')).map((r) => r.id), [c.id, a.id], 'b expired at its expireTime');
      assert.equal((await store.get('alice', b.id)), undefined);
      assert.equal((await store.list('bob')).length, 1);
      assert.deepEqual(await store.list('carol'), []);
    }));

    it('updateExpiry moves expireTime and updateTime, for the owner of a live record only', withStore(async (store, clock) => {
      const r = await store.create(newCachedContent(), { ttlMs: 1000 });
      clock.advance(500);
      const longer = await store.updateExpiry('alice', r.id, { ttlMs: HOUR });
      assert.equal(longer?.expireTime, r.createTime + 500 + HOUR);
      assert.equal(longer?.updateTime, r.createTime + 500);
      assert.equal(longer?.createTime, r.createTime);
      assert.deepEqual(await store.get('alice', r.id), longer);
      const at = await store.updateExpiry('alice', r.id, { expireTime: r.createTime + 2000 });
      assert.equal(at?.expireTime, r.createTime + 2000);
      assert.equal(await store.updateExpiry('bob', r.id, { ttlMs: HOUR }), undefined);
      clock.advance(1500);
      assert.equal(await store.updateExpiry('alice', r.id, { ttlMs: HOUR }), undefined, 'an expired record cannot be revived');
    }));

    it('delete removes the owner\'s live record once and returns it', withStore(async (store) => {
      const r = await store.create(newCachedContent(), { ttlMs: HOUR });
      assert.equal(await store.delete('bob', r.id), undefined);
      assert.deepEqual(await store.delete('alice', r.id), r);
      assert.equal(await store.delete('alice', r.id), undefined);
      assert.equal(await store.get('alice', r.id), undefined);
    }));

    it('sweep deletes and reports expired records of every owner, once', withStore(async (store, clock) => {
      const short = await store.create(newCachedContent(), { ttlMs: 1000 });
      const other = await store.create(newCachedContent({ owner: 'bob' }), { ttlMs: 1000 });
      const long = await store.create(newCachedContent(), { ttlMs: HOUR });
      assert.deepEqual(await store.sweep(), []);
      clock.advance(1000);
      assert.deepEqual((await store.sweep()).map((r) => r.id).sort(), [short.id, other.id].sort());
      assert.deepEqual(await store.sweep(), []);
      assert.deepEqual((await store.list('alice')).map((r) => r.id), [long.id]);
      assert.equal(await store.delete('alice', short.id), undefined);
    }));

    it('returns copies: changing a returned record changes nothing stored', withStore(async (store) => {
      const r = await store.create(newCachedContent(), { ttlMs: HOUR });
      (r.contents[0] as { role: string }).role = 'model';
      r.expireTime = 0;
      const again = await store.get('alice', r.id);
      assert.equal((again?.contents[0] as { role: string }).role, 'user');
      assert.notEqual(again?.expireTime, 0);
    }));
  });
}
