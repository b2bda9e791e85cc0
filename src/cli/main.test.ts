import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, version } from './main.js';
import { captureContext } from './cli-context.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-main-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Runs `gemserve` as users do (`node --import tsx src/cli/main.ts ...`) and collects its output. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT, env: { ...process.env, GEMSERVE_MODELS_DIR: join(dir, 'cache'), GEMSERVE_DATA_DIR: join(dir, 'data'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const context = () => captureContext({ cwd: dir });

const NO_STACK = /^\s+at /m;

test('serve --model with a missing file: exit 1, a clear message, no stack trace', async () => {
  const missing = join(dir, 'nowhere', 'missing.gguf');
  const r = await run(['serve', '--model', missing, '--port', '0']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: Cannot load model file ${missing.replace(/[.]/g, '\\.')}: no such file$`, 'm'));
  assert.doesNotMatch(r.stderr, NO_STACK);
  assert.equal(r.stdout, '');
});

test('serve --model with a non-GGUF or truncated file: exit 1 with the reason', async () => {
  await writeFile(join(dir, 'notes.gguf'), 'hello, I am text');
  const text = await run(['serve', '--model', join(dir, 'notes.gguf')]);
  assert.equal(text.code, 1);
  assert.match(text.stderr, /notes\.gguf: not a GGUF file/);
  const real = await readFile(join(ROOT, 'package.json')); // any bytes; prefix with the magic to fake a header
  await writeFile(join(dir, 'cut.gguf'), Buffer.concat([Buffer.from('GGUF\x03\x00\x00\x00'), real.subarray(0, 8)]));
  const cut = await run(['serve', '--model', join(dir, 'cut.gguf')]);
  assert.equal(cut.code, 1);
  assert.match(cut.stderr, /cut\.gguf: .*(truncated|corrupt)/);
  assert.doesNotMatch(cut.stderr, NO_STACK);
});

test('serve --model NAME not in the pull cache: exit 1 naming the cache', async () => {
  const r = await run(['serve', '--model', 'no-such-model']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no model named "no-such-model" in the pull cache .*gemserve pull/);
});

test('a bad config file: exit 2, the key named, no stack trace', async () => {
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ engines: { main: { kind: 'llama-cpp', model: './m.gguf', threads: 'lots' } } }));
  const r = await run(['serve', '--config', join(dir, 'bad.json')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: engines\.main\.threads must be auto or an integer from 1 to 1024 \(got "lots"\)/);
  assert.doesNotMatch(r.stderr, NO_STACK);
  const env = await run(['serve'], { GEMSERVE_CONFIG: join(dir, 'absent.json') });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /absent\.json: no such file/);
});

test('listening beyond loopback without keys is refused (exit 2)', async () => {
  const r = await run(['serve', '--host', '0.0.0.0', '--model', 'whatever.gguf']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0 without API keys/);
});

test('usage: no command or an unknown one exits 2; --version and --help exit 0', async () => {
  const none = context();
  assert.equal(await main([], none), 2);
  assert.match(none.err(), /^Usage: gemserve <command>/);
  const unknown = context();
  assert.equal(await main(['srve'], unknown), 2);
  assert.match(unknown.err(), /unknown command "srve"[\s\S]*Commands:[\s\S]*serve/);
  const v = context();
  assert.equal(await main(['--version'], v), 0);
  assert.equal(v.out(), `gemserve ${version()}\n`);
  const flag = context();
  assert.equal(await main(['serve', '--prot', '1'], flag), 2);
  assert.match(flag.err(), /Unknown option '--prot'[\s\S]*gemserve serve --help/);
});

test('serve --help prints every serve setting from the schema', async () => {
  const c = context();
  assert.equal(await main(['serve', '--help'], c), 0);
  const help = c.out();
  for (const s of ['--host', '--port', '--allow-remote', '--api-key', '--model', '--config', '--mount-prefix', '--body-limit',
    '--threads', '--parallel', '--context-size', '--max-queue', '--models-dir', '--log-level',
    'GEMSERVE_API_KEYS', 'default: 8080', 'default: 100MiB', 'default: 127.0.0.1']) {
    assert.ok(help.includes(s), `${s} in serve --help`);
  }
});

test('the bin entry (dist) and direct execution both work: main runs only when executed', async () => {
  const r = await run(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `gemserve ${version()}\n`);
});
