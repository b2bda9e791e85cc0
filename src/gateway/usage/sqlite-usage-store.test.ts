import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../storage/sqlite/open-database.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';
import { usageEntry, usageStoreCases } from './usage-store.case.js';

usageStoreCases('sqlite', () => new SqliteUsageStore(openDatabase(':memory:')));

test('entries survive reopening the file; migrations run once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-usage-'));
  try {
    const file = join(dir, 'gemserve.db');
    const db = openDatabase(file);
    new SqliteUsageStore(db).add(usageEntry('usage-x'));
    db.close();
    const again = openDatabase(file);
    assert.deepEqual(new SqliteUsageStore(again).list().map((e) => e.id), ['usage-x']);
    assert.deepEqual(again.prepare("SELECT id FROM schema_migrations WHERE id LIKE 'usage-%'").all(), [{ id: 'usage-001' }]);
    again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
