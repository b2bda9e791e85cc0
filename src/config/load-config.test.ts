import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.js';
import { ConfigError } from './config-error.js';

async function configFile(content: unknown): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-config-'));
  const path = join(dir, 'gemserve.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, path };
}

/** Asserts loadConfig fails with a ConfigError whose message matches. */
async function rejects(content: unknown, message: RegExp): Promise<void> {
  const { path } = await configFile(content);
  await assert.rejects(loadConfig(path), (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

test('loads settings, engines and bindings; anchors relative paths at the file', async () => {
  const { dir, path } = await configFile({
    port: 9090,
    apiKeys: ['k1', 'k2'],
    modelsDir: './cache',
    engines: {
      main: { kind: 'llama-cpp', model: './m.gguf', threads: 1, parallel: 4 },
      pulled: { kind: 'llama-cpp', model: 'stories260K' },
      demo: { kind: 'fake' },
    },
    models: { 'gemini-2.0-flash': { engine: 'main' }, 'my-local': 'demo', story: { engine: 'pulled', displayName: 'Story' } },
  });
  const c = await loadConfig(path);
  assert.equal(c.path, path);
  assert.equal(c.settings.port, 9090);
  assert.deepEqual(c.settings.apiKeys, ['k1', 'k2']);
  assert.equal(c.settings.modelsDir, join(dir, 'cache'));
  assert.deepEqual(c.engines.main, { kind: 'llama-cpp', model: join(dir, 'm.gguf'), threads: 1, parallel: 4 });
  // A bare name that is no file next to the config stays a pull-cache name.
  assert.deepEqual(c.engines.pulled, { kind: 'llama-cpp', model: 'stories260K' });
  assert.deepEqual(c.engines.demo, { kind: 'fake' });
  assert.deepEqual(c.models['my-local'], { engine: 'demo' });
  assert.deepEqual(c.models.story, { engine: 'pulled', displayName: 'Story' });
});

test('a bare model name that is a file next to the config is that file', async () => {
  const { dir, path } = await configFile({ model: 'here.gguf' });
  await writeFile(join(dir, 'here.gguf'), '');
  assert.equal((await loadConfig(path)).settings.model, join(dir, 'here.gguf'));
});

test('a missing file and bad JSON are clear errors', async () => {
  await assert.rejects(loadConfig('/nonexistent/gemserve.json'), /config file \/nonexistent\/gemserve.json: no such file/);
  await rejects('{"port": 80,}', /is not valid JSON/);
  await rejects('[1]', /must be a JSON object/);
});

test('errors name the offending key', async () => {
  await rejects({ prot: 8080 }, /"prot" is not a known key; expected one of host, port/);
  await rejects({ port: 'eighty' }, /"port" must be an integer from 0 to 65535 \(got "eighty"\)/);
  await rejects({ config: 'other.json' }, /"config" is not a known key/);
  await rejects({ apiKeys: [1, 2] }, /"apiKeys" must be a list of strings$/);
  await rejects({ engines: { main: { kind: 'gpt' } } }, /engines\.main\.kind must be one of llama-cpp, llama-server, gemini-upstream, openai-compatible, fake \(got "gpt"\)/);
  await rejects({ engines: { main: { kind: 'llama-cpp' } } }, /engines\.main\.model is required/);
  await rejects({ engines: { main: { kind: 'llama-cpp', model: 'x', thread: 2 } } }, /engines\.main\.thread is not a known key/);
  await rejects({ engines: { main: { kind: 'llama-cpp', model: 'x', parallel: 0 } } }, /engines\.main\.parallel must be an integer from 1/);
  await rejects({ engines: { d: { kind: 'fake' } }, models: { 'gemini-2.0-flash': { engine: 'main' } } },
    /models\.gemini-2\.0-flash\.engine names no engine declared under "engines" \(got "main"; declared: d\)/);
  await rejects({ engines: { d: { kind: 'fake' } }, models: { x: {} } }, /models\.x\.engine is required/);
  await rejects({ engines: { d: { kind: 'fake' } }, models: { 'bad id!': 'd' } }, /models\.bad id! is not a valid model id/);
});

test('the config file can sit in a nested folder and still anchor paths', async () => {
  const { dir } = await configFile({});
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'c.json'), JSON.stringify({ engines: { m: { kind: 'llama-cpp', model: '../x.gguf' } } }));
  assert.equal((await loadConfig(join(dir, 'sub', 'c.json'))).engines.m.kind, 'llama-cpp');
  const m = (await loadConfig('c.json', join(dir, 'sub'))).engines.m as { model: string };
  assert.equal(m.model, join(dir, 'x.gguf'));
});

test('aliases: an object of pattern to model or engine; models/ prefixes dropped; bad patterns name the key', async () => {
  const { path } = await configFile({ aliases: { 'gemini-*': 'my-engine', 'models/gemini-3*': 'models/gemini-2.5-flash' }, strictModels: true });
  const c = await loadConfig(path);
  assert.deepEqual(c.settings.aliases, { 'gemini-*': 'my-engine', 'gemini-3*': 'gemini-2.5-flash' });
  assert.equal(c.settings.strictModels, true);
  await rejects({ aliases: { 'bad pattern': 'x' } }, /"aliases" has an invalid pattern "bad pattern"/);
  await rejects({ aliases: { 'gemini-*': 3 } }, /"aliases" "gemini-\*" needs a model id or engine name/);
  await rejects({ aliases: ['gemini-*'] }, /"aliases" must be PATTERN=MODEL items/);
});
