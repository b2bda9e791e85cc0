import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../sqlite/open-database.js';
import { batchJob, batchStoreCases } from './batch-store.case.js';
import { SqliteBatchStore } from './sqlite-batch-store.js';

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
