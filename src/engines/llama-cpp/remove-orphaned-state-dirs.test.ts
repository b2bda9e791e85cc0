import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PrefixStateStore } from './prefix-state-store.js';
import { processIsAlive } from '../../storage/process-is-alive.js';
import { OWNER_FILE, removeOrphanedStateDirs, STATE_DIR_PREFIX } from './remove-orphaned-state-dirs.js';

async function stateDir(parent: string, suffix: string, owner?: string): Promise<string> {
  const dir = join(parent, `${STATE_DIR_PREFIX}${suffix}`);
  await mkdir(dir);
  await writeFile(join(dir, '1.state'), 'x');
  if (owner !== undefined) await writeFile(join(dir, OWNER_FILE), owner);
  return dir;
}

test('removes the state dirs of dead owners only', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'orphans-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  await stateDir(parent, 'dead01', '4000001\n');
  await stateDir(parent, 'alive1', '4000002\n');
  await stateDir(parent, 'noown1');
  await stateDir(parent, 'mine01', `${process.pid}\n`);
  await stateDir(parent, 'garble', 'not a pid');
  await mkdir(join(parent, 'unrelated-dir'));
  await writeFile(join(parent, 'unrelated-dir', OWNER_FILE), '4000001');

  const removed = await removeOrphanedStateDirs(parent, (pid) => pid === 4000002);
  assert.deepEqual(removed, [join(parent, `${STATE_DIR_PREFIX}dead01`)]);
  assert.deepEqual((await readdir(parent)).sort(), [
    `${STATE_DIR_PREFIX}alive1`, `${STATE_DIR_PREFIX}garble`, `${STATE_DIR_PREFIX}mine01`, `${STATE_DIR_PREFIX}noown1`, 'unrelated-dir',
  ]);
});

test('a missing parent dir removes nothing', async () => {
  assert.deepEqual(await removeOrphanedStateDirs(join(tmpdir(), 'no-such-parent-dir-gemserve')), []);
});

test('processIsAlive tells this process from a pid that cannot exist', () => {
  assert.equal(processIsAlive(process.pid), true);
  assert.equal(processIsAlive(2 ** 22 + 12345), false); // above Linux's pid_max limit
});

test('a store marks its dir with its pid and sweeps the dirs of killed servers when it opens', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'orphans-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  await stateDir(parent, 'killed', `${2 ** 22 + 12345}\n`);
  const store = await PrefixStateStore.open({ parentDir: parent });
  t.after(() => store.dispose());
  assert.deepEqual(await readdir(parent), [store.dir.slice(parent.length + 1)]);
  assert.deepEqual(await readdir(store.dir), [OWNER_FILE]);
});
