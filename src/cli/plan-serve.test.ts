import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GEMINI_MODELS } from '../core/catalog/gemini-models.js';
import { ConfigError } from '../config/config-error.js';
import { parseConfig } from '../config/load-config.js';
import { resolveSettings, type FlagValues } from '../config/resolve-settings.js';
import type { LoadedSettings } from '../config/load-settings.js';
import { MODEL_FLAG_ENGINE, planServe } from './plan-serve.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-plan-'));
  await writeFile(join(dir, 'stories260K.gguf'), '');
  await mkdir(join(dir, 'cache'));
  await writeFile(join(dir, 'cache', 'pulled-Q4_K_M.gguf'), '');
});
after(() => rm(dir, { recursive: true, force: true }));

function loaded(flags: FlagValues, config?: unknown): LoadedSettings {
  const file = config === undefined ? undefined : { path: join(dir, 'c.json'), ...parseConfig(config, dir) };
  const env = { GEMSERVE_MODELS_DIR: join(dir, 'cache') };
  return { ...resolveSettings({ flags, env, cwd: dir, file: file?.settings }), file };
}

test('--model PATH binds every Gemini model and the file name to one llama-cpp engine', async () => {
  const plan = await planServe(loaded({ model: './stories260K.gguf', threads: '1' }), dir);
  assert.deepEqual([...plan.engines.keys()], [MODEL_FLAG_ENGINE]);
  assert.deepEqual(plan.engines.get(MODEL_FLAG_ENGINE), {
    kind: 'llama-cpp', model: join(dir, 'stories260K.gguf'), threads: 1, parallel: 4, maxQueue: 64, contextSize: undefined,
  });
  assert.deepEqual(plan.bindings.map((b) => b.id), [...GEMINI_MODELS.map((m) => m.id), 'stories260K']);
  assert.ok(plan.bindings.every((b) => b.engine === MODEL_FLAG_ENGINE));
});

test('--model NAME finds a pulled model; an explicit --context-size is passed on', async () => {
  const plan = await planServe(loaded({ model: 'pulled-Q4_K_M', 'context-size': '1024' }), dir);
  const spec = plan.engines.get(MODEL_FLAG_ENGINE);
  assert.equal(spec?.kind === 'llama-cpp' && spec.model, join(dir, 'cache', 'pulled-Q4_K_M.gguf'));
  assert.equal(spec?.kind === 'llama-cpp' && spec.contextSize, 1024);
  assert.equal(plan.bindings.at(-1)?.id, 'pulled-Q4_K_M');
});

test('an unknown model name is BAD_MODEL_FILE naming the cache', async () => {
  await assert.rejects(planServe(loaded({ model: 'nope' }), dir), (e: unknown) =>
    (e as { code?: string }).code === 'BAD_MODEL_FILE' && /no model named "nope" in the pull cache .*pulled-Q4_K_M/.test((e as Error).message));
});

test('config engines and bindings; settings fill unset engine tuning; unbound engines are skipped', async () => {
  const plan = await planServe(loaded({ parallel: '2' }, {
    maxQueue: 8,
    engines: {
      main: { kind: 'llama-cpp', model: './stories260K.gguf', threads: 1 },
      demo: { kind: 'fake' },
      spare: { kind: 'fake' },
    },
    models: { 'gemini-2.0-flash': { engine: 'main' }, 'my-local': { engine: 'demo', displayName: 'Mine' } },
  }), dir);
  assert.deepEqual([...plan.engines.keys()], ['main', 'demo']);
  assert.deepEqual(plan.engines.get('main'), {
    kind: 'llama-cpp', model: join(dir, 'stories260K.gguf'), threads: 1, parallel: 2, maxQueue: 8, contextSize: undefined,
  });
  assert.deepEqual(plan.bindings, [
    { id: 'gemini-2.0-flash', engine: 'main' },
    { id: 'my-local', engine: 'demo', definition: { displayName: 'Mine' } },
  ]);
  assert.deepEqual(plan.notes, ['engine spare is not bound to any model in "models"; not loading it']);
});

test('--model with a config: the config keeps the ids it binds, --model takes the rest', async () => {
  const plan = await planServe(loaded({ model: 'stories260K.gguf' }, {
    engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.5-pro': 'demo' },
  }), dir);
  assert.equal(plan.bindings.find((b) => b.id === 'gemini-2.5-pro')?.engine, 'demo');
  assert.equal(plan.bindings.find((b) => b.id === 'gemini-2.0-flash')?.engine, MODEL_FLAG_ENGINE);
  assert.equal(plan.bindings.filter((b) => b.id === 'gemini-2.5-pro').length, 1);
});

test('nothing to serve is a usage error', async () => {
  await assert.rejects(planServe(loaded({}), dir), (e: unknown) => e instanceof ConfigError && /nothing to serve/.test(e.message));
});

test('--mmproj runs --model on llama-server with the projector, the binary setting and the engine cache', async () => {
  await writeFile(join(dir, 'mmproj.gguf'), '');
  const plan = await planServe(loaded({ model: './stories260K.gguf', mmproj: './mmproj.gguf', 'engine-cache-dir': '/e', 'llama-server': '/bin/ls' }), dir);
  assert.deepEqual(plan.engines.get(MODEL_FLAG_ENGINE), {
    kind: 'llama-server', model: join(dir, 'stories260K.gguf'), mmproj: join(dir, 'mmproj.gguf'),
    threads: 'auto', parallel: 4, maxQueue: 64, contextSize: undefined, binary: '/bin/ls', cacheDir: '/e',
  });
});

test('--engine llama-server runs a text model on llama-server; --mmproj with --engine llama-cpp or without --model is refused', async () => {
  const plan = await planServe(loaded({ model: './stories260K.gguf', engine: 'llama-server' }), dir);
  assert.equal(plan.engines.get(MODEL_FLAG_ENGINE)?.kind, 'llama-server');
  await assert.rejects(planServe(loaded({ model: './stories260K.gguf', mmproj: './mmproj.gguf', engine: 'llama-cpp' }), dir),
    (e: unknown) => e instanceof ConfigError && /--mmproj needs --engine llama-server/.test(e.message));
  await assert.rejects(planServe(loaded({ mmproj: './mmproj.gguf' }), dir),
    (e: unknown) => e instanceof ConfigError && /--mmproj goes with --model/.test(e.message));
});

test('config llama-server engines get their paths anchored and the settings filled in', async () => {
  const plan = await planServe(loaded({}, {
    engines: { eyes: { kind: 'llama-server', model: './stories260K.gguf', mmproj: 'mmproj.gguf', parallel: 1 } },
    models: { 'gemini-2.0-flash': 'eyes' },
  }), dir);
  const spec = plan.engines.get('eyes');
  assert.equal(spec?.kind, 'llama-server');
  assert.equal(spec?.kind === 'llama-server' && spec.mmproj, join(dir, 'mmproj.gguf'));
  assert.equal(spec?.kind === 'llama-server' && spec.parallel, 1);
  assert.equal(spec?.kind === 'llama-server' && typeof spec.cacheDir, 'string');
});

test('routes split a model between engines by weight, with fallbacks; every engine they name is loaded', async () => {
  const plan = await planServe(loaded({}, {
    engines: { stable: { kind: 'fake' }, canary: { kind: 'fake' }, backup: { kind: 'fake' }, idle: { kind: 'fake' } },
    models: { 'gemini-2.0-flash': { routes: [{ engine: 'stable', weight: 90 }, { engine: 'canary', weight: 10 }], fallback: ['backup'] } },
  }), dir);
  assert.deepEqual(plan.bindings, [{
    id: 'gemini-2.0-flash', engine: 'stable',
    routes: [{ engine: 'stable', weight: 90 }, { engine: 'canary', weight: 10 }], fallback: ['backup'],
  }]);
  assert.deepEqual([...plan.engines.keys()].sort(), ['backup', 'canary', 'stable']);
  assert.throws(() => parseConfig({ engines: { a: { kind: 'fake' } }, models: { m: { routes: [{ engine: 'nope', weight: 1 }] } } }, dir), /models\.m\.routes\[0\]\.engine/);
  assert.throws(() => parseConfig({ engines: { a: { kind: 'fake' } }, models: { m: { routes: [{ engine: 'a', weight: 0 }] } } }, dir), /weight/);
  assert.throws(() => parseConfig({ engines: { a: { kind: 'fake' } }, models: { m: { engine: 'a', routes: [{ engine: 'a' }] } } }, dir), /together with "routes"/);
});

test('--model serves other gemini-* names (fallback) unless --strict-models', async () => {
  assert.equal((await planServe(loaded({ model: './stories260K.gguf' }), dir)).fallback, MODEL_FLAG_ENGINE);
  assert.equal((await planServe(loaded({ model: './stories260K.gguf', 'strict-models': true }), dir)).fallback, undefined);
  const config = { engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.0-flash': 'demo' } };
  assert.equal((await planServe(loaded({}, config), dir)).fallback, undefined, 'no --model, no fallback');
});

test('aliases: a model target or an engine target; Gemini ids an alias serves are left to it by --model', async () => {
  const config = {
    engines: { demo: { kind: 'fake' }, other: { kind: 'fake' } },
    models: { 'gemini-2.5-flash': 'demo' },
    aliases: { 'gemini-3*': 'gemini-2.5-flash', 'gemini-3.8-flash': 'other' },
  };
  const plan = await planServe(loaded({ model: './stories260K.gguf' }, config), dir);
  assert.deepEqual(plan.aliases, [
    { pattern: 'gemini-3*', model: 'gemini-2.5-flash' },
    { pattern: 'gemini-3.8-flash', engine: 'other' },
  ]);
  const ids = plan.bindings.map((b) => b.id);
  assert.ok(!ids.some((id) => id.startsWith('gemini-3')), `--model does not bind what the alias serves: ${ids}`);
  assert.ok(ids.includes('gemini-2.0-flash') && ids.includes('stories260K'));
  assert.deepEqual([...plan.engines.keys()].sort(), ['$model', 'demo', 'other'], 'an engine an alias names is loaded');
});

test('--alias PATTERN=MODEL from the command line; an unknown target stops startup', async () => {
  const plan = await planServe(loaded({ model: './stories260K.gguf', alias: ['gemini-*=stories260K'] }), dir);
  assert.deepEqual(plan.aliases, [{ pattern: 'gemini-*', model: 'stories260K' }]);
  assert.deepEqual(plan.bindings.map((b) => b.id), ['text-embedding-004', 'stories260K'], 'every gemini-* id is left to the alias');
  await assert.rejects(planServe(loaded({ model: './stories260K.gguf', alias: ['gemini-*=nowhere'] }), dir),
    (e: unknown) => e instanceof ConfigError && /alias gemini-\*=nowhere: nowhere is neither a served model nor an engine/.test(e.message));
});
