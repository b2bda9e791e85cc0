/**
 * The Gemini 3 catalog, aliases and inputTokenLimit honesty through `@google/genai`, against the
 * server `gemserve serve` builds (src/cli/start-server.ts: plan, engines, catalog, app), with fake
 * engines in place of the weights. One `--model` binding serves every Gemini name, known or not.
 * Expected values are Google's (src/core/catalog/gemini-3-models.ts cites each).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type RunningServer } from '../../src/cli/start-server.js';
import type { EngineSpec } from '../../src/cli/create-engine.js';
import { parseConfig } from '../../src/config/load-config.js';
import { resolveSettings, type FlagValues } from '../../src/config/resolve-settings.js';
import type { LoadedSettings } from '../../src/config/load-settings.js';
import { genai, sdkError } from './helpers/clients.js';

/** What the `--model` engine can take: smaller than any Gemini model's input limit. */
const MAIN_CONTEXT = 8192;
/** The config's second engine, told apart by its context. */
const OTHER_CONTEXT = 4096;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-gemini3-'));
  // llama-server specs are not opened before loading (only llama-cpp files are checked), and the fake stands in.
  await writeFile(join(dir, 'main.gguf'), '');
});
after(() => rm(dir, { recursive: true, force: true }));

/** `gemserve serve --model main.gguf --engine llama-server ...flags` on port 0, engines faked. */
async function serve(flags: FlagValues, config?: unknown): Promise<{ server: RunningServer; stderr: string[] }> {
  const dataDir = await mkdtemp(join(dir, 'data-'));
  const file = config === undefined ? undefined : { path: join(dir, 'c.json'), ...parseConfig(config, dir) };
  const all: FlagValues = {
    model: './main.gguf', engine: 'llama-server', port: '0', 'data-dir': dataDir, metrics: 'off', cache: 'off', ...flags,
  };
  const loaded: LoadedSettings = { ...resolveSettings({ flags: all, env: {}, cwd: dir, file: file?.settings }), file };
  const stderr: string[] = [];
  const server = await startServer({
    loaded, cwd: dir, stderr: { write: (s: string) => stderr.push(s) },
    createEngine: async (spec: EngineSpec) => (spec.kind === 'fake'
      ? new FakeEngine({ label: 'other', contextTokens: OTHER_CONTEXT })
      : new FakeEngine({ label: 'main.gguf', contextTokens: MAIN_CONTEXT })),
  });
  return { server, stderr };
}

async function listedNames(baseUrl: string): Promise<string[]> {
  const names: string[] = [];
  for await (const m of await genai(baseUrl).models.list({ config: { pageSize: 1000 } })) names.push(m.name ?? '');
  return names;
}

describe('Gemini 3 catalog and aliases (contract, @google/genai, one --model binding)', () => {
  let server: RunningServer;
  let stderr: string[];
  before(async () => ({ server, stderr } = await serve({})));
  after(() => server?.close());

  it('models.get of a Gemini 3 name: Google\'s fields, inputTokenLimit what the engine can take', async () => {
    const m = await genai(server.origin).models.get({ model: 'gemini-3.1-pro-preview' });
    assert.equal(m.name, 'models/gemini-3.1-pro-preview');
    assert.equal(m.displayName, 'Gemini 3.1 Pro Preview');
    assert.equal(m.outputTokenLimit, 65_536);
    assert.equal(m.thinking, true);
    assert.equal(m.topK, 64);
    assert.equal(m.inputTokenLimit, MAIN_CONTEXT, 'the engine\'s context, not Google\'s 1,048,576');
    assert.ok(m.supportedActions?.includes('generateContent'));
    const live = await genai(server.origin).models.get({ model: 'gemini-3.8-live' });
    assert.deepEqual(live.supportedActions, ['bidiGenerateContent']);
  });

  it('generateContent on gemini-3.1-pro-preview answers (gemini-cli\'s default model)', async () => {
    const r = await genai(server.origin).models.generateContent({ model: 'gemini-3.1-pro-preview', contents: 'say hello' });
    assert.ok((r.text ?? '').length > 0);
    assert.equal(r.candidates?.[0].finishReason, 'STOP');
  });

  it('gemini-cli\'s routing and main models are served and listed', async () => {
    const names = await listedNames(server.origin);
    for (const id of ['gemini-3.5-flash-lite', 'gemini-3.8-flash', 'gemini-3-flash-preview', 'gemini-3.1-pro-preview', 'main']) {
      assert.ok(names.includes(`models/${id}`), id);
    }
    const latest = await genai(server.origin).models.get({ model: 'gemini-flash-latest' });
    assert.equal(latest.name, 'models/gemini-flash-latest');
    assert.equal(latest.displayName, 'Gemini 3.8 Flash', 'gemini-flash-latest points at Gemini 3 as Google moved it');
  });

  it('an unknown gemini-* name is served with its family\'s capabilities, noted once, then listed', async () => {
    const ai = genai(server.origin);
    const name = 'gemini-3.9-flash-preview';
    assert.ok(!(await listedNames(server.origin)).includes(`models/${name}`), 'not listed before use');
    const r = await ai.models.generateContent({ model: name, contents: 'Hello there' });
    assert.ok((r.text ?? '').length > 0);
    await ai.models.generateContent({ model: name, contents: 'Again' });
    const m = await ai.models.get({ model: name });
    assert.equal(m.name, `models/${name}`);
    assert.equal(m.thinking, true, 'a Gemini 3 Flash thinks');
    assert.equal(m.outputTokenLimit, 65_536);
    assert.equal(m.inputTokenLimit, MAIN_CONTEXT);
    assert.ok((await listedNames(server.origin)).includes(`models/${name}`), 'listed once used');
    const notes = stderr.filter((l) => l.includes(name));
    assert.equal(notes.length, 1, notes.join(''));
    assert.match(notes[0], /serving gemini-3\.9-flash-preview with --model .*gemini-3\.8-flash/);
  });

  it('a retired model is Google\'s 404 (gemini-3-pro-preview, shut down March 9, 2026)', async () => {
    const ai = genai(server.origin);
    const { body } = await sdkError(ai.models.generateContent({ model: 'gemini-3-pro-preview', contents: 'hi' }), 404, 'NOT_FOUND');
    assert.ok(body.error.message.startsWith('models/gemini-3-pro-preview is not found for API version v1beta, or is not supported for generateContent'),
      body.error.message);
    await sdkError(ai.models.get({ model: 'gemini-3-pro-preview' }), 404, 'NOT_FOUND');
    assert.ok(!(await listedNames(server.origin)).includes('models/gemini-3-pro-preview'));
  });
});

describe('--strict-models (contract, @google/genai)', () => {
  let server: RunningServer;
  before(async () => ({ server } = await serve({ 'strict-models': true })));
  after(() => server?.close());

  it('an unknown gemini-* name is Google\'s 404; known names are still served', async () => {
    const ai = genai(server.origin);
    const { body } = await sdkError(ai.models.generateContent({ model: 'gemini-3.9-flash-preview', contents: 'hi' }), 404, 'NOT_FOUND');
    assert.ok(body.error.message.startsWith('models/gemini-3.9-flash-preview is not found for API version v1beta'), body.error.message);
    const get = await sdkError(ai.models.get({ model: 'gemini-3.9-flash-preview' }), 404, 'NOT_FOUND');
    assert.equal(get.body.error.message, 'Model is not found: models/gemini-3.9-flash-preview for api version v1beta');
    const r = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'hi' });
    assert.ok((r.text ?? '').length > 0);
  });
});

describe('alias patterns (contract, @google/genai)', () => {
  let server: RunningServer;
  before(async () => ({ server } = await serve(
    { alias: ['gemini-3*=other', 'gemini-3.5-*=gemini-2.5-flash'] },
    { engines: { other: { kind: 'fake' } } },
  )));
  after(() => server?.close());

  it('the longest pattern wins; an engine target and a model target each serve their names', async () => {
    const ai = genai(server.origin);
    // gemini-3* → the config's engine (its smaller context shows in inputTokenLimit).
    const pro = await ai.models.get({ model: 'gemini-3.1-pro-preview' });
    assert.equal(pro.inputTokenLimit, OTHER_CONTEXT);
    const unknown = await ai.models.get({ model: 'gemini-3.9-pro' });
    assert.equal(unknown.inputTokenLimit, OTHER_CONTEXT);
    const names = await listedNames(server.origin);
    assert.ok(names.includes('models/gemini-3.5-flash-lite'), 'a known name an alias serves is listed');
    const lite = await ai.models.get({ model: 'gemini-3.5-flash-lite' });
    assert.equal(lite.inputTokenLimit, MAIN_CONTEXT, 'gemini-3.5-* → gemini-2.5-flash, served by --model\'s engine');
    assert.equal(lite.displayName, 'Gemini 3.5 Flash-Lite', 'the name keeps its own definition');
    const r = await ai.models.generateContent({ model: 'gemini-3.5-flash-lite', contents: 'hi' });
    assert.ok((r.text ?? '').length > 0);
  });
});
