import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyMigrations, openDatabase } from './open-database.js';

test('a file database in WAL mode; migrations applied once each, in order, per store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-sqlite-'));
  try {
    const file = join(dir, 'nested', 'gemserve.db');
    const db = openDatabase(file);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const steps = [
      { id: 'a-001', sql: 'CREATE TABLE a (x INTEGER)' },
      { id: 'a-002', sql: 'ALTER TABLE a ADD COLUMN y TEXT' },
    ];
    applyMigrations(db, steps);
    applyMigrations(db, steps);
    applyMigrations(db, [{ id: 'b-001', sql: 'CREATE TABLE b (z INTEGER)' }]);
    db.prepare('INSERT INTO a (x, y) VALUES (1, ?)').run('one');
    db.close();
    const again = openDatabase(file);
    assert.deepEqual(again.prepare('SELECT id FROM schema_migrations ORDER BY id').all().map((r) => (r as { id: string }).id), ['a-001', 'a-002', 'b-001']);
    assert.deepEqual(again.prepare('SELECT x, y FROM a').get(), { x: 1, y: 'one' });
    again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failing migration leaves nothing half-applied', () => {
  const db = openDatabase(':memory:');
  assert.throws(() => applyMigrations(db, [{ id: 'c-001', sql: 'CREATE TABLE c (x INTEGER); CREATE TABLE c (y INTEGER);' }]));
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  assert.equal(count("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c'"), 0);
  assert.equal(count('SELECT count(*) AS n FROM schema_migrations'), 0);
});
