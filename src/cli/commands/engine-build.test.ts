import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedLlamaServerPath } from '../../engines/llama-server/llama-server-cache.js';
import { llamaCppSource } from '../../engines/llama-server/llama-cpp-source.js';
import { main } from '../main.js';
import { captureContext } from '../cli-context.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gemserve-engine-')); });
after(() => rm(dir, { recursive: true, force: true }));

test('engine build with a cached binary returns at once and prints its path', async () => {
  const { tag } = await llamaCppSource();
  const binary = cachedLlamaServerPath(dir, tag);
  await mkdir(join(binary, '..'), { recursive: true });
  await writeFile(binary, '#!/bin/sh\n');
  await chmod(binary, 0o755);
  const c = captureContext({ env: { GEMSERVE_ENGINE_CACHE_DIR: dir }, cwd: dir });
  assert.equal(await main(['engine', 'build'], c), 0, c.err());
  assert.equal(c.out(), `${binary}\n`);
  assert.match(c.err(), /already built; --force builds it again/);
});

test('engine without "build", or with a bad --jobs, is a usage error (exit 2)', async () => {
  assert.equal(await main(['engine'], captureContext({ cwd: dir })), 2);
  assert.equal(await main(['engine', 'rebuild'], captureContext({ cwd: dir })), 2);
  assert.equal(await main(['engine', 'build', '--jobs', '0'], captureContext({ cwd: dir })), 2);
});
