import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { openDatabase } from '../../storage/sqlite/open-database.js';
import { generation, responseCacheCases } from './response-cache.case.js';
import { SqliteResponseCache } from './sqlite-response-cache.js';

responseCacheCases('sqlite', async (limits, clock) => new SqliteResponseCache(openDatabase(':memory:'), limits, clock));

test('SQLite response cache: entries, their TTL and their LRU order survive a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-cache-'));
  try {
    const file = join(dir, 'gemserve.db');
    const clock = new FakeClock();
    const limits = { ttlMs: 60_000, maxEntries: 2, maxBytes: 1 << 20 };
    const db = openDatabase(file);
    const cache = new SqliteResponseCache(db, limits, clock);
    await cache.set('a', generation('a'));
    await cache.set('b', generation('b'));
    assert.ok(await cache.get('a'));
    await cache.close();
    db.close();

    const db2 = openDatabase(file);
    const again = new SqliteResponseCache(db2, limits, clock);
    assert.deepEqual(await again.get('a'), generation('a'));
    assert.equal(again.stats().entries, 2);
    // 'b' is the least recently used across the restart: a new entry evicts it.
    await again.set('c', generation('c'));
    assert.equal(await again.get('b'), undefined);
    clock.advance(60_000);
    assert.equal(await again.get('a'), undefined, 'the TTL runs from when the entry was stored, across restarts');
    db2.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('SQLite response cache: tighter limits on reopen are enforced by the next write', async () => {
  const db = openDatabase(':memory:');
  const clock = new FakeClock();
  const roomy = new SqliteResponseCache(db, { ttlMs: 60_000, maxEntries: 10, maxBytes: 1 << 20 }, clock);
  for (const k of ['a', 'b', 'c']) await roomy.set(k, generation(k));
  const tight = new SqliteResponseCache(db, { ttlMs: 60_000, maxEntries: 1, maxBytes: 1 << 20 }, clock);
  await tight.set('d', generation('d'));
  assert.equal(tight.stats().entries, 1);
  assert.ok(await tight.get('d'));
  db.close();
});
