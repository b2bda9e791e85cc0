import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

test('models lists the pull cache (table and --json), ignoring partial downloads', async () => {
  const cache = join(dir, 'cache');
  const env = { GEMSERVE_MODELS_DIR: cache };
  const empty = context(env);
  assert.equal(await main(['models'], empty), 0);
  assert.match(empty.err(), /no models in .*gemserve pull/);
  await mkdir(cache, { recursive: true });
  await writeFile(join(cache, 'b-Q8_0.gguf'), Buffer.alloc(2_500_000));
  await writeFile(join(cache, 'a.gguf'), Buffer.alloc(10));
  await writeFile(join(cache, 'c.gguf.part'), Buffer.alloc(10));
  const table = context(env);
  assert.equal(await main(['models'], table), 0);
  assert.deepEqual(table.out().split('\n').filter(Boolean).map((l) => l.split(/\s{2,}/)), [
    ['NAME', 'SIZE', 'PATH'],
    ['a', '10 B', join(cache, 'a.gguf')],
    ['b-Q8_0', '2.50 MB', join(cache, 'b-Q8_0.gguf')],
  ]);
  const json = context();
  assert.equal(await main(['models', '--json', '--models-dir', cache], json), 0);
  const list = JSON.parse(json.out()) as Array<{ name: string; bytes: number; path: string }>;
  assert.deepEqual(list.map((m) => [m.name, m.bytes, m.path]), [['a', 10, join(cache, 'a.gguf')], ['b-Q8_0', 2_500_000, join(cache, 'b-Q8_0.gguf')]]);
});
