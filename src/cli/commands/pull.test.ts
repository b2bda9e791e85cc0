import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { main } from '../main.js';
import { captureContext } from '../cli-context.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-cmd-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const context = (env: NodeJS.ProcessEnv = {}) => captureContext({ env, cwd: dir });

test('pull <url> downloads into the cache and prints the path; then models lists it', async () => {
  await main(['gen-model', '--preset', 'tiny', '--out', 'served.gguf'], context());
  const bytes = await readFile(join(dir, 'served.gguf'));
  const server = createServer((_req, res) => res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/tiny-F32.gguf`;
  const cache = join(dir, 'cache2');
  const c = context({ GEMSERVE_MODELS_DIR: cache });
  assert.equal(await main(['pull', url], c), 0, c.err());
  assert.equal(c.out(), `${join(cache, 'tiny-F32.gguf')}\n`);
  assert.match(c.err(), /tiny-F32\.gguf: 100% /);
  assert.match(c.err(), /pulled tiny-F32 .*gemserve serve --model tiny-F32/);
  assert.deepEqual(await readFile(join(cache, 'tiny-F32.gguf')), bytes);
  const again = context({ GEMSERVE_MODELS_DIR: cache });
  assert.equal(await main(['pull', url], again), 0);
  assert.match(again.err(), /already in the cache/);
});

test('pull failures: exit 1 with one line; bad refs exit 2', async () => {
  const offline = context({ GEMSERVE_MODELS_DIR: join(dir, 'cache3') });
  assert.equal(await main(['pull', 'https://nonexistent.invalid/m.gguf'], offline), 1);
  assert.match(offline.err(), /^error: cannot reach nonexistent\.invalid: you appear to be offline \((ENOTFOUND|EAI_AGAIN)\)\n$/m);
  assert.equal(await main(['pull'], context()), 2);
  assert.equal(await main(['pull', 'not-a-ref'], context()), 2);
});
