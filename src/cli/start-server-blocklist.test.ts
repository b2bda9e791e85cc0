import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSettings } from '../config/load-settings.js';
import type { OutputStream } from './cli-context.js';
import { CliError } from './cli-error.js';
import { startServer } from './start-server.js';

const sink: OutputStream = { write: () => true };

async function setup(blocklist: string) {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-blocklist-'));
  after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'gemserve.json'), JSON.stringify({
    port: 0, engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.0-flash': { engine: 'demo' } },
  }));
  await writeFile(join(dir, 'blocked.txt'), blocklist);
  return dir;
}

test('serve --blocklist FILE (relative to the working directory) reaches the generate routes', async () => {
  const dir = await setup('# terms\nforbidden\n');
  const loaded = await loadSettings({
    command: 'serve', flags: { config: 'gemserve.json', blocklist: 'blocked.txt', 'data-dir': 'data' }, env: { HOME: dir }, cwd: dir,
  });
  assert.equal(loaded.settings.blocklist, join(dir, 'blocked.txt'));
  const server = await startServer({ loaded, cwd: dir, stderr: sink });
  after(() => server.close());
  const post = (text: string) => fetch(`${server.origin}/v1beta/models/gemini-2.0-flash:generateContent`, {
    method: 'POST', body: JSON.stringify({ contents: [{ parts: [{ text }] }] }),
  }).then((r) => r.json() as Promise<Record<string, any>>);
  assert.deepEqual((await post('a FORBIDDEN thing')).promptFeedback, { blockReason: 'BLOCKLIST' });
  assert.equal((await post('a fine thing')).candidates.length, 1);
});

test('GEMSERVE_BLOCKLIST with a bad line, or a missing file, is a startup error naming it', async () => {
  const dir = await setup('ok\n/(oops/\n');
  const loaded = await loadSettings({
    command: 'serve', flags: { config: 'gemserve.json', 'data-dir': 'data' }, env: { HOME: dir, GEMSERVE_BLOCKLIST: 'blocked.txt' }, cwd: dir,
  });
  await assert.rejects(startServer({ loaded, cwd: dir, stderr: sink }), (e) => e instanceof CliError && e.message.startsWith(`bad blocklist ${join(dir, 'blocked.txt')}: line 2: `));
  const missing = await loadSettings({
    command: 'serve', flags: { config: 'gemserve.json', blocklist: 'nope.txt', 'data-dir': 'data' }, env: { HOME: dir }, cwd: dir,
  });
  await assert.rejects(startServer({ loaded: missing, cwd: dir, stderr: sink }), /cannot read the blocklist .*nope\.txt/);
});
