import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSettings } from '../config/load-settings.js';
import { DATA_DIR_LOCK_FILE } from '../storage/data-dir-lock.js';
import type { OutputStream } from './cli-context.js';
import { CliError } from './cli-error.js';
import { startServer } from './start-server.js';

const sink: OutputStream = { write: () => true };

test('serve refuses a data dir another live server holds, takes over a dead one\'s, and frees it on close', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-lock-'));
  after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'gemserve.json'), JSON.stringify({
    port: 0, engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.0-flash': { engine: 'demo' } },
  }));
  const loaded = await loadSettings({ command: 'serve', flags: { config: 'gemserve.json', 'data-dir': 'data' }, env: { HOME: dir }, cwd: dir });
  const lockFile = join(dir, 'data', DATA_DIR_LOCK_FILE);
  await mkdir(join(dir, 'data'));

  // Another process (a stand-in for a running server) holds it.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  after(() => { other.kill('SIGKILL'); });
  await writeFile(lockFile, `${other.pid}\n`);
  await assert.rejects(startServer({ loaded, cwd: dir, stderr: sink }), (e) => e instanceof CliError
    && e.message === `the data dir ${join(dir, 'data')} is in use by another gemserve serve (pid ${other.pid}); stop it first, or give this server its own --data-dir`);

  // Killed with -9: its pid is gone, so the next server takes the data dir.
  other.kill('SIGKILL');
  await new Promise((resolve) => other.once('exit', resolve));
  const server = await startServer({ loaded, cwd: dir, stderr: sink });
  assert.equal(await readFile(lockFile, 'utf8'), `${process.pid}\n`);
  await server.close();
  await assert.rejects(readFile(lockFile), { code: 'ENOENT' });
});
