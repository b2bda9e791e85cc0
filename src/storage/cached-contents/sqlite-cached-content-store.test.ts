import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { openDatabase } from '../sqlite/open-database.js';
import { newCachedContent, runCachedContentStoreContract } from './cached-content-store.case.js';
import { SqliteCachedContentStore } from './sqlite-cached-content-store.js';

runCachedContentStoreContract('sqlite', (clock) => new SqliteCachedContentStore({ db: openDatabase(':memory:'), clock }));

test('records survive reopening the file; migrations run once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-cached-'));
  try {
    const file = join(dir, 'gemserve.db');
    const clock = new FakeClock();
    const first = new SqliteCachedContentStore({ file, clock });
    const r = await first.create(newCachedContent({ displayName: 'kept' }), { ttlMs: 60_000 });
    await first.close();
    const again = new SqliteCachedContentStore({ file, clock });
    assert.deepEqual(await again.get('alice', r.id), r);
    await again.close();
    const db = openDatabase(file);
    assert.deepEqual(db.prepare("SELECT id FROM schema_migrations WHERE id LIKE 'cached-contents-%'").all(), [{ id: 'cached-contents-001' }]);
    db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
