import { GoogleGenAI } from '@google/genai';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GEMINI_MODELS } from '../../core/catalog/gemini-models.js';
import { LLAMA_MODEL_PRESETS } from '../../gguf/llama-model-options.js';
import { writeLlamaModel } from '../../gguf/write-llama-model.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

/**
 * Spawns `gemserve serve ARGS` and resolves once it prints its start line. Each server gets a
 * data dir of its own: the user's default one (~/.local/share/gemserve) is never touched by tests.
 */
async function startServe(args: string[]) {
  const dataDir = await mkdtemp(join(tmpdir(), 'gemserve-serve-data-'));
  after(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: ROOT, env: { ...process.env, GEMSERVE_DATA_DIR: dataDir },
  });
  let stdout = '';
  const output = { stderr: '' };
  child.stderr.on('data', (d) => (output.stderr += d));
  const exited = once(child, 'exit');
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const banner = await new Promise<string>((done, fail) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('gemserve listening on'));
      if (line) done(line);
    });
    child.on('exit', () => fail(new Error(`serve exited early: ${output.stderr}`)));
  });
  return { child, banner, exited, output };
}

test('serve with a fake-engine config on port 0: prints the real port, serves /v1beta/models, stops on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-serve-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'gemserve.json');
  await writeFile(config, JSON.stringify({
    port: 0,
    apiKeys: ['k1'],
    engines: { demo: { kind: 'fake' } },
    models: { 'gemini-2.0-flash': { engine: 'demo' }, 'my-local': { engine: 'demo' } },
  }));
  const { child, banner, exited, output } = await startServe(['--config', config]);
  const m = /^gemserve listening on (http:\/\/127\.0\.0\.1:(\d+)) \(models: (\d+), engine: fake\)$/.exec(banner);
  assert.ok(m, banner);
  const [, origin, port, count] = m;
  assert.notEqual(Number(port), 0);
  assert.equal(Number(count), 2);

  const res = await fetch(`${origin}/v1beta/models`, { headers: { 'x-goog-api-key': 'k1' } });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { models: Array<{ name: string }> };
  assert.deepEqual(body.models.map((x) => x.name).sort(), ['models/gemini-2.0-flash', 'models/my-local']);
  assert.equal((await fetch(`${origin}/v1beta/models`)).status, 403, 'keys from the config file are enforced');
  assert.equal((await fetch(`${origin}/healthz`)).status, 200);

  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
  assert.match(output.stderr, /shutting down[\s\S]*stopped/);
});

test('serve --model FILE lists every Gemini model and the file name (llama-cpp on a generated tiny model)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-serve-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'tiny.gguf');
  await writeLlamaModel(path, LLAMA_MODEL_PRESETS.tiny);
  const { child, banner, exited } = await startServe(['--model', path, '--port', '0', '--threads', '1', '--parallel', '1']);
  const m = /^gemserve listening on (http:\/\/127\.0\.0\.1:\d+) \(models: (\d+), engine: llama-cpp tiny\.gguf\)$/.exec(banner);
  assert.ok(m, banner);
  const body = (await (await fetch(`${m[1]}/v1beta/models?pageSize=1000`)).json()) as { models: Array<{ name: string }> };
  const names = body.models.map((x) => x.name);
  for (const g of GEMINI_MODELS) assert.ok(names.includes(`models/${g.id}`), g.id);
  assert.ok(names.includes('models/tiny'));
  assert.equal(Number(m[2]), names.length);

  // The user's path end to end: the official SDK against the started CLI, on the real engine.
  const ai = new GoogleGenAI({ apiKey: 'anything', httpOptions: { baseUrl: m[1] } });
  const r = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hello', config: { maxOutputTokens: 3, seed: 1 } });
  assert.equal(r.usageMetadata?.candidatesTokenCount, 3);
  assert.equal(r.candidates?.[0].finishReason, 'MAX_TOKENS');
  const counted = await ai.models.countTokens({ model: 'tiny', contents: 'Hello' });
  assert.equal(counted.totalTokens, r.usageMetadata?.promptTokenCount);
  child.kill('SIGTERM');
  assert.equal((await exited)[0], 0);
});
