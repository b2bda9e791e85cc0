import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JsonRecordDir } from './json-record-dir.js';

test('readAll while a write is in flight (another request listing): the write still lands', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-json-records-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const writer = new JsonRecordDir<{ n: number }>(dir);
  const lister = new JsonRecordDir<{ n: number }>(dir);
  let overlapped = 0;
  for (let n = 0; n < 100; n++) {
    const write = writer.write(`r${n}`, { n });
    // List once the write's temp file exists, before it is renamed over the record.
    for (let i = 0; i < 1_000 && !readdirSync(dir).some((f) => f.startsWith('.tmp-')); i++) await new Promise((r) => setImmediate(r));
    if (readdirSync(dir).some((f) => f.startsWith('.tmp-'))) overlapped++;
    await lister.readAll();
    await write;
  }
  assert.ok(overlapped > 0, 'no listing overlapped a write');
  assert.equal((await lister.readAll()).length, 100);
});

test('readAll removes the temp files a crashed process left, and only those', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-json-records-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, '.tmp-left-by-a-crash'), '{"n":');
  const records = new JsonRecordDir<{ n: number }>(dir);
  await records.write('a', { n: 1 });
  assert.deepEqual(await records.readAll(), [{ id: 'a', record: { n: 1 } }]);
  assert.deepEqual(await readdir(dir), ['a.json']);
});
