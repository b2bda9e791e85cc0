import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLlamaServerBinary, LlamaServerBinaryNotFound } from './find-llama-server-binary.js';
import { cachedLlamaServerPath } from './llama-server-cache.js';

describe('findLlamaServerBinary', () => {
  let dir: string;
  let onPath: string;
  let cacheDir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemserve-find-'));
    const exe = async (path: string) => {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, '#!/bin/sh\n');
      await chmod(path, 0o755);
    };
    onPath = join(dir, 'path-bin');
    await exe(join(onPath, 'llama-server'));
    cacheDir = join(dir, 'cache');
    await exe(cachedLlamaServerPath(cacheDir, 'b1234'));
    await writeFile(join(dir, 'not-executable'), 'x');
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('prefers the configured binary, then PATH, then the cached build', async () => {
    const configured = join(onPath, 'llama-server');
    assert.deepEqual(await findLlamaServerBinary({ binary: configured, path: '', cacheDir, tag: 'b1234' }), { path: configured, source: 'configured' });
    assert.deepEqual(await findLlamaServerBinary({ path: `/nonexistent:${onPath}`, cacheDir, tag: 'b1234' }), { path: configured, source: 'path' });
    assert.deepEqual(await findLlamaServerBinary({ path: '/nonexistent', cacheDir, tag: 'b1234' }),
      { path: cachedLlamaServerPath(cacheDir, 'b1234'), source: 'cache' });
  });

  it('refuses a configured binary that is not executable instead of falling back', async () => {
    await assert.rejects(findLlamaServerBinary({ binary: join(dir, 'not-executable'), path: onPath }),
      (e: unknown) => e instanceof LlamaServerBinaryNotFound && /is not an executable file/.test(e.message));
  });

  it('says to run `gemserve engine build` when nothing is found', async () => {
    await assert.rejects(findLlamaServerBinary({ path: '', cacheDir, tag: 'b9999' }), (e: unknown) =>
      e instanceof LlamaServerBinaryNotFound && /gemserve engine build/.test(e.message) && e.message.includes(cachedLlamaServerPath(cacheDir, 'b9999')));
  });
});
