import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hashKeySecret } from '../../gateway/keys/key-secret.js';
import { SqliteKeyStore } from '../../gateway/keys/sqlite-key-store.js';
import { captureContext } from '../cli-context.js';
import { main } from '../main.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-keys-cmd-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[], dataDir: string) {
  const ctx = captureContext({ env: { GEMSERVE_DATA_DIR: dataDir }, cwd: dir });
  const code = await main(['keys', ...args], ctx);
  return { code, out: ctx.out(), err: ctx.err() };
}

test('keys create prints the secret alone on stdout; list, rotate and revoke work on <dataDir>/gemserve.db', async () => {
  const dataDir = join(dir, 'a');
  const created = await run(['create', '--name', 'ci', '--expires', '30d', '--models', 'gemini-2.0-flash,gemma-*',
    '--rpm', '5', '--tpm', '1000', '--rpd', '0', '--label', 'team=ml,env=dev'], dataDir);
  assert.equal(created.code, 0, created.err);
  const secret = created.out.trim();
  assert.match(secret, /^AIza[\w-]{35}$/);
  const id = /created key (key_\w+) \(ci\)/.exec(created.err)?.[1];
  assert.ok(id, created.err);

  const store = new SqliteKeyStore({ file: join(dataDir, 'gemserve.db') });
  try {
    const record = await store.getBySecretHash(hashKeySecret(secret));
    assert.equal(record?.id, id);
    assert.deepEqual(record?.allowedModels, ['gemini-2.0-flash', 'gemma-*']);
    assert.deepEqual(record?.quotas, { rpm: 5, tpm: 1000, rpd: 0 });
    assert.deepEqual(record?.labels, { team: 'ml', env: 'dev' });
    assert.ok(record?.expiresAt && Date.parse(record.expiresAt) > Date.now() + 29 * 86_400_000);

    const table = await run(['list'], dataDir);
    assert.equal(table.code, 0);
    assert.match(table.out, /^ID +NAME +STATUS/);
    assert.match(table.out, new RegExp(`${id} +ci +active`));
    assert.equal(table.out.includes(secret), false);
    const json = await run(['list', '--json'], dataDir);
    assert.deepEqual(JSON.parse(json.out).map((k: { id: string }) => k.id), [id]);

    const rotated = await run(['rotate', id as string, '--json'], dataDir);
    assert.equal(rotated.code, 0, rotated.err);
    const next = JSON.parse(rotated.out) as { key: { id: string }; secret: string };
    assert.equal(next.key.id, id);
    assert.equal(await store.getBySecretHash(hashKeySecret(secret)), undefined);
    assert.equal((await store.getBySecretHash(hashKeySecret(next.secret)))?.id, id);

    const revoked = await run(['revoke', id as string], dataDir);
    assert.equal(revoked.code, 0, revoked.err);
    assert.ok((await store.get(id as string))?.revokedAt);
    assert.match((await run(['list'], dataDir)).out, new RegExp(`${id} +ci +revoked`));
    const rotateRevoked = await run(['rotate', id as string], dataDir);
    assert.equal(rotateRevoked.code, 1);
    assert.match(rotateRevoked.err, /revoked/);
  } finally {
    await store.close();
  }
});

test('keys: usage errors exit 2, unknown ids 1', async () => {
  const dataDir = join(dir, 'b');
  assert.equal((await run([], dataDir)).code, 2);
  assert.equal((await run(['delete', 'key_x'], dataDir)).code, 2);
  assert.equal((await run(['revoke'], dataDir)).code, 2);
  assert.match((await run(['create'], dataDir)).err, /needs --name/);
  assert.match((await run(['create', '--name', 'x', '--label', 'novalue'], dataDir)).err, /key=value/);
  const badLabel = await run(['create', '--name', 'x', '--label', 'Team=x'], dataDir);
  assert.equal(badLabel.code, 2);
  assert.match(badLabel.err, /labels/);
  assert.equal((await run(['create', '--name', 'x', '--rpm', '-1'], dataDir)).code, 2);
  assert.equal((await run(['create', '--name', 'x', '--expires', 'someday'], dataDir)).code, 2);
  assert.equal((await run(['rotate', 'key_x', '--grace', 'long'], dataDir)).code, 2);
  const unknown = await run(['revoke', 'key_nope'], dataDir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no API key key_nope/);
  const empty = await run(['list'], dataDir);
  assert.equal(empty.code, 0);
  assert.match(empty.err, /no API keys/);
});
