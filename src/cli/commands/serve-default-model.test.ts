/**
 * `gemserve serve` with no model, end to end: a local HTTP server stands in for Hugging Face
 * and serves a small generated GGUF under the default model's pinned URL path; the catalog the
 * child runs with pins that file's size and SHA-256 (test/fixtures/gemserve-with-catalog.ts),
 * every other field (repo, commit, file name) is the real default's.
 */
import { GoogleGenAI } from '@google/genai';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { DEFAULT_MODEL_NAME, findCatalogModel, MODEL_CATALOG, type CatalogModel } from '../pull/default-models.js';
import { catalogModelUrl } from '../pull/pull-catalog-model.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const OFFLINE = 'http://127.0.0.1:1';
const pinnedDefault = findCatalogModel(DEFAULT_MODEL_NAME) as CatalogModel;

let dir: string;
let gguf: Buffer;
let catalogFile: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-default-'));
  gguf = await readFile((await tinyChatModel()).path);
  // The seam: the same catalog with the default's size and hash those of the small file.
  const catalog = MODEL_CATALOG.map((m) => m.name === DEFAULT_MODEL_NAME
    ? { ...m, bytes: gguf.length, sha256: createHash('sha256').update(gguf).digest('hex') }
    : m);
  catalogFile = join(dir, 'catalog.json');
  await writeFile(catalogFile, JSON.stringify(catalog));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The stand-in hub: `body` at the default's resolve path (the pinned commit), 404 elsewhere. */
async function hub(body: Buffer): Promise<{ endpoint: string; requests: string[] }> {
  const requests: string[] = [];
  const path = new URL(catalogModelUrl(pinnedDefault, 'http://hub')).pathname;
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === path) res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    else res.writeHead(404).end('Entry not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** `gemserve serve` with the test catalog and no --model; resolves when it listens or exits. */
async function serve(modelsDir: string, hfEndpoint: string) {
  const dataDir = await mkdtemp(join(dir, 'data-'));
  const child = spawn(process.execPath, [
    '--import', 'tsx', 'test/fixtures/gemserve-with-catalog.ts', catalogFile,
    'serve', '--port', '0', '--threads', '1', '--parallel', '1',
  ], {
    cwd: ROOT,
    env: { ...process.env, GEMSERVE_DATA_DIR: dataDir, GEMSERVE_MODELS_DIR: modelsDir, GEMSERVE_HF_ENDPOINT: hfEndpoint, GEMSERVE_LOG_LEVEL: 'warn' },
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const started = await new Promise<RegExpExecArray | undefined>((done) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /gemserve listening on (http:\/\/127\.0\.0\.1:\d+) \(models: \d+, engine: (.*)\)/.exec(stdout);
      if (m) done(m);
    });
    void exited.then(() => done(undefined));
  });
  return { child, started, exited, stderr: () => stderr };
}

test('no --model: downloads the default once with progress, verifies it, serves it; the second start needs no network', async () => {
  const { endpoint, requests } = await hub(gguf);
  const modelsDir = join(dir, 'cache-ok');
  const first = await serve(modelsDir, endpoint);
  assert.ok(first.started, first.stderr());
  const [, origin, engine] = first.started;
  assert.equal(engine, `llama-cpp ${pinnedDefault.file}`);
  assert.match(first.stderr(), /no --model given: serving gemma3-1b, /);
  assert.match(first.stderr(), /pulling gemma3-1b: gemma-3-1b-it-Q4_K_M\.gguf \(.*, Gemma Terms of Use\) from http:\/\/127\.0\.0\.1:\d+\/ggml-org\/gemma-3-1b-it-GGUF\/resolve\/f9c28bcd85737ffc5aef028638d3341d49869c27\/gemma-3-1b-it-Q4_K_M\.gguf/);
  assert.match(first.stderr(), /gemma-3-1b-it-Q4_K_M\.gguf: 100% /);
  assert.deepEqual(requests, [new URL(catalogModelUrl(pinnedDefault, endpoint)).pathname]);
  assert.deepEqual(await readFile(join(modelsDir, pinnedDefault.file)), gguf);
  assert.ok(existsSync(join(modelsDir, `${pinnedDefault.file}.sha256`)), 'the check is remembered');

  const ai = new GoogleGenAI({ apiKey: 'anything', httpOptions: { baseUrl: origin } });
  const r = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hello', config: { maxOutputTokens: 4, temperature: 0 } });
  assert.equal(typeof r.text, 'string');
  assert.ok((r.usageMetadata?.candidatesTokenCount ?? 0) > 0, JSON.stringify(r.usageMetadata));
  first.child.kill('SIGTERM');
  assert.equal((await first.exited)[0], 0);

  // From the cache: the hub is not asked (nor reachable), the file is not hashed again.
  const second = await serve(modelsDir, OFFLINE);
  assert.ok(second.started, second.stderr());
  assert.doesNotMatch(second.stderr(), /pulling|checking the SHA-256/);
  assert.equal(requests.length, 1);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited)[0], 0);
});

test('offline with nothing cached: one line saying what to do, exit 1', async () => {
  const run = await serve(join(dir, 'cache-offline'), OFFLINE);
  assert.equal(run.started, undefined);
  assert.equal((await run.exited)[0], 1);
  const lines = run.stderr().split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(lines.length, 1, run.stderr());
  assert.doesNotMatch(run.stderr(), /^\s+at /m, 'no stack trace');
  assert.match(lines[0], /^error: cannot reach 127\.0\.0\.1:1: you appear to be offline \(ECONNREFUSED\); gemma3-1b \(.*\) is downloaded once, on the first run\. /);
  assert.match(lines[0], /--model PATH.*"gemserve pull gemma3-1b" once online.*"gemserve gen-model --preset tiny --out tiny\.gguf"/);
});

test('a download that is not the pinned file is refused and removed', async () => {
  const tampered = Buffer.from(gguf);
  tampered[tampered.length - 1] ^= 0xff;
  const { endpoint } = await hub(tampered);
  const modelsDir = join(dir, 'cache-bad');
  const run = await serve(modelsDir, endpoint);
  assert.equal(run.started, undefined);
  assert.equal((await run.exited)[0], 1);
  assert.match(run.stderr(), /\nerror: SHA-256 mismatch for gemma-3-1b-it-Q4_K_M\.gguf: expected [0-9a-f]{64} \(from the SHA-256 pinned for gemma3-1b\), got [0-9a-f]{64}; the download was removed\n$/);
  assert.deepEqual(await readdir(modelsDir), []);
});
