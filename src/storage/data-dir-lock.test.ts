import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { DATA_DIR_LOCK_FILE, DataDirLockedError, lockDataDir } from './data-dir-lock.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'data-dir-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('takes the data dir for this process and gives it back on release', async (t) => {
  const dir = join(await tempDir(t), 'not-yet-made');
  const lock = await lockDataDir(dir);
  assert.equal(await readFile(join(dir, DATA_DIR_LOCK_FILE), 'utf8'), `${process.pid}\n`);
  await lock.release();
  await assert.rejects(readFile(join(dir, DATA_DIR_LOCK_FILE)), { code: 'ENOENT' });
  await (await lockDataDir(dir)).release();
});

test('a live other server holds it: refused, naming its pid; its file is left alone', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, DATA_DIR_LOCK_FILE), '4000123\n');
  await assert.rejects(lockDataDir(dir, (pid) => pid === 4000123), (e) => e instanceof DataDirLockedError && e.pid === 4000123 && /in use by another gemserve serve \(pid 4000123\)/.test(e.message));
  assert.equal(await readFile(join(dir, DATA_DIR_LOCK_FILE), 'utf8'), '4000123\n');
});

test('the file of a server killed with -9 (a dead pid) or a garbled one is taken over', async (t) => {
  const dir = await tempDir(t);
  for (const stale of ['4000123\n', 'garbage']) {
    await writeFile(join(dir, DATA_DIR_LOCK_FILE), stale);
    const lock = await lockDataDir(dir, () => false);
    assert.equal(await readFile(join(dir, DATA_DIR_LOCK_FILE), 'utf8'), `${process.pid}\n`);
    await lock.release();
  }
});

test('release leaves a file that another server has taken since', async (t) => {
  const dir = await tempDir(t);
  const lock = await lockDataDir(dir);
  await writeFile(join(dir, DATA_DIR_LOCK_FILE), '4000999\n');
  await lock.release();
  assert.equal(await readFile(join(dir, DATA_DIR_LOCK_FILE), 'utf8'), '4000999\n');
});

test('by default a pid that is not a node process (a pid reused after kill -9) is taken over', { skip: !existsSync('/proc/self/cmdline') && 'no /proc' }, async (t) => {
  const dir = await tempDir(t);
  const other = spawn('sleep', ['5'], { stdio: 'ignore' });
  t.after(() => { other.kill('SIGKILL'); });
  await once(other, 'spawn');
  await writeFile(join(dir, DATA_DIR_LOCK_FILE), `${other.pid}\n`);
  const lock = await lockDataDir(dir);
  assert.equal(await readFile(join(dir, DATA_DIR_LOCK_FILE), 'utf8'), `${process.pid}\n`);
  await lock.release();
});
