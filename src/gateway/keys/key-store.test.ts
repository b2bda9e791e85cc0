import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { openDatabase } from '../../storage/sqlite/open-database.js';
import { hashKeySecret } from './key-secret.js';
import { runKeyStoreContract } from './key-store.case.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-keys-'));
});
after(() => rm(dir, { recursive: true, force: true }));

runKeyStoreContract('memory', (clock) => new MemoryKeyStore({ clock }));
runKeyStoreContract('sqlite :memory:', (clock) => new SqliteKeyStore({ file: ':memory:', clock }));
let n = 0;
runKeyStoreContract('sqlite file', (clock) => new SqliteKeyStore({ file: join(dir, `k${n++}`, 'gemserve.db'), clock }));

test('sqlite: two connections on one file (server and CLI) see each other at once; only hashes are stored', async () => {
  const file = join(dir, 'shared', 'gemserve.db');
  const server = new SqliteKeyStore({ file });
  const cli = new SqliteKeyStore({ file });
  try {
    const { record, secret } = await cli.create({ name: 'from-cli' });
    assert.equal((await server.getBySecretHash(hashKeySecret(secret)))?.id, record.id);
    await cli.revoke(record.id);
    assert.ok((await server.getBySecretHash(hashKeySecret(secret)))?.revokedAt);
    const db = openDatabase(file);
    const dump = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
    db.close();
    assert.equal(dump.includes(secret), false);
    assert.equal(dump.includes(hashKeySecret(secret)), true);
  } finally {
    await server.close();
    await cli.close();
  }
});

test('sqlite: a shared connection is left open on close', async () => {
  const db = openDatabase(':memory:');
  const store = new SqliteKeyStore({ db, clock: new FakeClock() });
  await store.close();
  assert.equal(db.open, true);
  db.close();
});
