import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import type { CachedContentRecord } from './cached-content-record.js';
import { newCachedContent } from './cached-content-store.case.js';
import { CachedContentSweeper } from './cached-content-sweeper.js';
import { MemoryCachedContentStore } from './memory-cached-content-store.js';

test('a sweep deletes expired records and reports them; nothing is reported twice', async () => {
  const clock = new FakeClock();
  const store = new MemoryCachedContentStore({ clock });
  const reported: CachedContentRecord[][] = [];
  const sweeper = new CachedContentSweeper({ store, onExpired: (rs) => { reported.push(rs); } });
  const r = await store.create(newCachedContent(), { ttlMs: 1000 });
  assert.deepEqual(await sweeper.sweepNow(), []);
  clock.advance(1000);
  assert.deepEqual((await sweeper.sweepNow()).map((x) => x.id), [r.id]);
  await sweeper.sweepNow();
  assert.deepEqual(reported.map((rs) => rs.map((x) => x.id)), [[r.id]]);
});

test('the timer sweeps until closed; a failing onExpired goes to onError', async () => {
  const clock = new FakeClock();
  const store = new MemoryCachedContentStore({ clock });
  await store.create(newCachedContent(), { ttlMs: 1 });
  clock.advance(1);
  const errors: unknown[] = [];
  const sweeper = new CachedContentSweeper({ store, onExpired: () => { throw new Error('engine gone'); }, onError: (e) => errors.push(e) });
  sweeper.start(5);
  for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await sweeper.close();
  assert.equal((errors[0] as Error).message, 'engine gone');
  assert.deepEqual(await store.sweep(), [], 'the record was deleted before onExpired ran');
});
