import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.js';
import { captureContext } from '../cli-context.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-cmd-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const context = (env: NodeJS.ProcessEnv = {}) => captureContext({ env, cwd: dir });

test('gen-model writes a loadable tiny GGUF; same seed, same bytes', async () => {
  const c = context();
  assert.equal(await main(['gen-model', '--preset', 'tiny', '--out', 'models/a.gguf', '--seed', '7', '--no-chat-template'], c), 0, c.err());
  assert.equal(c.out(), `${join(dir, 'models', 'a.gguf')}\n`);
  assert.match(c.err(), /wrote .* parameters/);
  const a = await readFile(join(dir, 'models', 'a.gguf'));
  assert.equal(a.toString('latin1', 0, 4), 'GGUF');
  assert.ok(!a.includes('tokenizer.chat_template'), '--no-chat-template');
  await main(['gen-model', '--preset', 'tiny', '--out', 'models/b.gguf', '--seed', '7', '--no-chat-template'], context());
  assert.deepEqual(await readFile(join(dir, 'models', 'b.gguf')), a);
});

test('gen-model usage errors exit 2', async () => {
  assert.equal(await main(['gen-model', '--preset', 'huge', '--out', 'x.gguf'], context()), 2);
  assert.equal(await main(['gen-model', '--preset', 'tiny'], context()), 2);
  const c = context();
  assert.equal(await main(['gen-model', '--preset', 'tiny', '--out', 'x.gguf', '--seed', 'x'], c), 2);
  assert.match(c.err(), /--seed must be an integer/);
});
