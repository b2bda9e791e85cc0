import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/load-config.js';
import type { LoadedSettings } from '../config/load-settings.js';
import { resolveSettings, type FlagValues } from '../config/resolve-settings.js';
import { CliError } from './cli-error.js';
import type { CatalogModel } from './pull/default-models.js';
import { resolveServeModel } from './resolve-serve-model.js';

let dir: string;
const quiet = { write: () => true };
// Pinned to bytes nobody serves: any attempt to download fails, offline (nothing listens on port 1).
const catalog: CatalogModel[] = [{
  name: 'gemma3-1b', description: 'd', repo: 'o/r', revision: 'a'.repeat(40), file: 'm.gguf', bytes: 4, sha256: 'b'.repeat(64), license: 'l',
}];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-resolve-serve-'));
  await writeFile(join(dir, 'here.gguf'), '');
  await mkdir(join(dir, 'cache'));
});
after(() => rm(dir, { recursive: true, force: true }));

function loaded(flags: FlagValues, config?: unknown): LoadedSettings {
  const file = config === undefined ? undefined : { path: join(dir, 'c.json'), ...parseConfig(config, dir) };
  const env = { GEMSERVE_MODELS_DIR: join(dir, 'cache'), GEMSERVE_HF_ENDPOINT: 'http://127.0.0.1:1' };
  return { ...resolveSettings({ flags, env, cwd: dir, file: file?.settings }), file };
}

const resolveIt = (l: LoadedSettings) => resolveServeModel(l, { cwd: dir, stderr: quiet, catalog });

test('paths, files here, pull-cache names and a config with engines are left as they are', async () => {
  for (const l of [
    loaded({ model: './x.gguf' }),
    loaded({ model: 'here.gguf' }),
    loaded({ model: 'some-pulled-Q4_K_M' }),
    loaded({}, { engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.0-flash': { engine: 'demo' } } }),
    loaded({ mmproj: './p.gguf' }),
  ]) assert.equal(await resolveIt(l), l);
});

test('no model, or a short name, is fetched from the catalog: offline, one line says what to do', async () => {
  for (const l of [loaded({}), loaded({ model: 'GEMMA3-1B' })]) {
    await assert.rejects(resolveIt(l), (e: unknown) => e instanceof CliError && e.exitCode === 1 && !e.message.includes('\n') &&
      /^cannot reach 127\.0\.0\.1:1: .*--model PATH.*gemserve pull gemma3-1b.*gemserve gen-model/.test(e.message));
  }
});

test('a cached, verified short name becomes its path without the network', async () => {
  const [m] = catalog;
  const pinned = { ...m, bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }; // SHA-256 of "abc"
  await writeFile(join(dir, 'cache', 'm.gguf'), 'abc');
  const l = await resolveServeModel(loaded({}), { cwd: dir, stderr: quiet, catalog: [pinned] });
  assert.equal(l.settings.model, join(dir, 'cache', 'm.gguf'));
});
