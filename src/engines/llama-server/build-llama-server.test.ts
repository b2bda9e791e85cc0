import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLlamaServer, LlamaServerBuildError } from './build-llama-server.js';
import type { LlamaCppSource } from './llama-cpp-source.js';
import { cachedLlamaServerPath } from './llama-server-cache.js';

/**
 * A stand-in for the llama.cpp bundle: a git bundle of a CMake project whose `llama-server`
 * target is a two-line C program (seconds to build), or whose configure step fails.
 */
async function fakeSource(dir: string, tag: string, cmakeLists: string): Promise<LlamaCppSource> {
  const repo = join(dir, `repo-${tag}`);
  await mkdir(repo, { recursive: true });
  await writeFile(join(repo, 'CMakeLists.txt'), cmakeLists);
  await writeFile(join(repo, 'main.c'), '#include <stdio.h>\nint main(void) { puts("version: fake"); return 0; }\n');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'fake');
  const bundlePath = join(dir, `${tag}.bundle`);
  git('bundle', 'create', bundlePath, '--all');
  return { tag, repo: 'test/fake', bundlePath };
}

const BUILDS = `cmake_minimum_required(VERSION 3.14)
project(fake C)
add_executable(llama-server main.c)
set_target_properties(llama-server PROPERTIES RUNTIME_OUTPUT_DIRECTORY \${CMAKE_BINARY_DIR}/bin)
`;
const FAILS = `cmake_minimum_required(VERSION 3.14)
project(fake C)
message(FATAL_ERROR "this source does not configure")
`;

describe('buildLlamaServer', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'gemserve-build-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('builds into the cache, is instant the second time, and rebuilds with force', async () => {
    const source = await fakeSource(dir, 'b1', BUILDS);
    const cacheDir = join(dir, 'cache');
    let out = '';
    const first = await buildLlamaServer({ cacheDir, source, jobs: 2, log: (t) => { out += t; } });
    assert.equal(first.binary, cachedLlamaServerPath(cacheDir, 'b1'));
    assert.equal(first.cached, false);
    assert.match(execFileSync(first.binary).toString(), /version: fake/);
    assert.match(out, /== built llama-server \(llama\.cpp b1\) in \d+ s: /);
    const info = JSON.parse(await readFile(join(cacheDir, 'llama-server', 'b1', 'build.json'), 'utf8')) as { cmakeFlags: string[] };
    assert.ok(info.cmakeFlags.includes('-DGGML_NATIVE=ON'));

    const t = performance.now();
    const second = await buildLlamaServer({ cacheDir, source, log: () => assert.fail('a cached build prints nothing') });
    assert.equal(second.cached, true);
    assert.ok(performance.now() - t < 500);

    const before = (await stat(first.binary)).mtimeMs;
    const forced = await buildLlamaServer({ cacheDir, source, force: true, log: () => {} });
    assert.equal(forced.cached, false);
    assert.ok((await stat(forced.binary)).mtimeMs >= before);
    assert.deepEqual(await readdir(join(cacheDir, 'llama-server')), ['b1'], 'no temporary folders left');
  });

  it('leaves no binary and no temporary folder when the build fails', async () => {
    const source = await fakeSource(dir, 'b2', FAILS);
    const cacheDir = join(dir, 'cache-failing');
    let out = '';
    await assert.rejects(buildLlamaServer({ cacheDir, source, log: (t) => { out += t; } }), (e: unknown) =>
      e instanceof LlamaServerBuildError && /`cmake -S .* failed \(exit code 1\)/.test(e.message));
    assert.match(out, /this source does not configure/, 'the build output was streamed');
    assert.deepEqual(await readdir(join(cacheDir, 'llama-server')), []);
  });

  it('stops and cleans up when aborted', async () => {
    const source = await fakeSource(dir, 'b3', BUILDS);
    const cacheDir = join(dir, 'cache-aborted');
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    await assert.rejects(buildLlamaServer({ cacheDir, source, log: () => {}, signal: ac.signal }), /SIGINT/);
    assert.deepEqual(await readdir(join(cacheDir, 'llama-server')), []);
  });
});
