import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyMigrations, openDatabase } from '../sqlite/open-database.js';
import { batchJob, batchStoreCases } from './batch-store.case.js';
import { BATCH_MIGRATIONS, SqliteBatchStore } from './sqlite-batch-store.js';

batchStoreCases('sqlite', () => new SqliteBatchStore(openDatabase(':memory:')));

test('jobs and outcomes survive reopening the file; running requests come back pending after requeue', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-batches-'));
  try {
    const file = join(dir, 'gemserve.db');
    const db = openDatabase(file);
    const s = new SqliteBatchStore(db);
    await s.create(batchJob('j'), [{ request: { n: 0 } }, { request: { n: 1 } }]);
    await s.claim(1);
    await s.complete('j', 0, { response: { r: 0 } }, 2);
    await s.claim(3);
    db.close(); // a crash: request 1 was running
    const again = openDatabase(file);
    const t = new SqliteBatchStore(again);
    assert.equal(await t.requeueRunning(), 1);
    assert.deepEqual((await t.items('j')).map((i) => [i.state, i.response]), [['done', { r: 0 }], ['pending', undefined]]);
    again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an expired job stays expired, with its error, across reopening (no schema change: state is free text)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-batches-'));
  try {
    const file = join(dir, 'gemserve.db');
    const db = openDatabase(file);
    const s = new SqliteBatchStore(db);
    await s.create(batchJob('x'), [{ request: { n: 0 } }, { request: { n: 1 } }]);
    await s.finish('x', { state: 'expired', at: 5, error: { status: 'DEADLINE_EXCEEDED', message: 'too old' } });
    db.close();
    const again = openDatabase(file);
    const t = new SqliteBatchStore(again);
    const job = await t.get('x');
    assert.deepEqual([job?.state, job?.endTime, job?.error], ['expired', 5, { status: 'DEADLINE_EXCEEDED', message: 'too old' }]);
    assert.deepEqual(await t.activeJobs(), []);
    assert.equal(await t.claim(6), undefined);
    again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('migration batches-002: a job stored before callers had one id gets its owner as its caller id, name kept', async () => {
  const db = openDatabase(':memory:');
  applyMigrations(db, BATCH_MIGRATIONS.slice(0, 1));
  const insert = db.prepare(`INSERT INTO batch_jobs (id, owner, caller, model, kind, priority, state, create_time, update_time, input_kind)
    VALUES (?, ?, ?, 'gemini-2.0-flash', 'generate', 0, 'pending', 1, 1, 'inline')`);
  insert.run('old', 'k0123456789abcdef0123456789abcdef01234567', JSON.stringify({ id: 'static:abcd1234', name: 'static:abcd1234' }));
  insert.run('open', 'kfedcba9876543210fedcba9876543210fedcba98', JSON.stringify({ id: 'anonymous', name: 'anonymous' }));
  insert.run('managed', 'key-1', JSON.stringify({ id: 'key-1', name: 'ci', quotas: { rpm: 3 } }));
  const s = new SqliteBatchStore(db);
  assert.deepEqual((await s.get('old'))?.caller, { id: 'k0123456789abcdef0123456789abcdef01234567', name: 'static:abcd1234' });
  assert.deepEqual((await s.get('open'))?.caller, { id: 'kfedcba9876543210fedcba9876543210fedcba98', name: 'anonymous' });
  assert.deepEqual((await s.get('managed'))?.caller, { id: 'key-1', name: 'ci', quotas: { rpm: 3 } });
  db.close();
});
