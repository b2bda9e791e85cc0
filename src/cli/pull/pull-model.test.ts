import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { LLAMA_MODEL_PRESETS } from '../../gguf/llama-model-options.js';
import { writeLlamaModel } from '../../gguf/write-llama-model.js';
import { checkModelFile } from '../check-model-file.js';
import { CliError } from '../cli-error.js';
import { pullModel } from './pull-model.js';

let dir: string;
let gguf: Buffer;
let sha: string;
const quiet = { write: () => true };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-pull-'));
  await writeLlamaModel(join(dir, 'src.gguf'), { ...LLAMA_MODEL_PRESETS.tiny, chatTemplate: false });
  gguf = await readFile(join(dir, 'src.gguf'));
  sha = createHash('sha256').update(gguf).digest('hex');
});
after(() => rm(dir, { recursive: true, force: true }));

async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A stand-in for Hugging Face: the model API lists the repo, `resolve/` answers with the
 * file's SHA-256 in X-Linked-ETag and redirects to a "CDN" on another origin, as huggingface.co does.
 */
async function fakeHub(body: () => Buffer) {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const cdn = await listen((req, res) => {
    seen.push({ url: `cdn${req.url}`, headers: req.headers });
    res.writeHead(200, { 'content-length': String(body().length) }).end(body());
  });
  const hub = await listen((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/api/models/o/r') {
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ siblings: [{ rfilename: 'README.md' }, { rfilename: 'tiny-F32.gguf' }, { rfilename: 'tiny-Q8_0.gguf' }] }));
    } else if (req.url === '/o/r/resolve/main/tiny-F32.gguf') {
      res.writeHead(302, { location: `${cdn}/blob/abc`, 'x-linked-etag': `"${createHash('sha256').update(body()).digest('hex')}"` }).end();
    } else res.writeHead(404).end('Entry not found');
  });
  return { hub, seen };
}

test('owner/repo:QUANT lists the repo, downloads the match, checks SHA-256 and GGUF, keeps the token on huggingface', async () => {
  const { hub, seen } = await fakeHub(() => gguf);
  const modelsDir = join(dir, 'cache1');
  const r = await pullModel({
    ref: 'hf.co/o/r:F32', modelsDir, hfEndpoint: hub, hfToken: 'hf_secret', verify: checkModelFile, stderr: quiet,
  });
  assert.equal(r.name, 'tiny-F32');
  assert.equal(r.path, join(modelsDir, 'tiny-F32.gguf'));
  assert.equal(r.sha256, sha);
  assert.equal(r.sha256CheckedAgainst, 'server');
  assert.deepEqual(await readFile(r.path), gguf);
  assert.deepEqual(seen.map((s) => s.url), ['/api/models/o/r', '/o/r/resolve/main/tiny-F32.gguf', 'cdn/blob/abc']);
  assert.equal(seen[0].headers.authorization, 'Bearer hf_secret');
  assert.equal(seen[1].headers.authorization, 'Bearer hf_secret');
  assert.equal(seen[2].headers.authorization, undefined, 'the token never leaves the Hugging Face origin');

  const again = await pullModel({ ref: 'hf:o/r/tiny-F32.gguf', modelsDir, hfEndpoint: hub, stderr: quiet });
  assert.equal(again.alreadyPresent, true);
  assert.equal(seen.length, 3, 'nothing downloaded twice');
});

test('a file that is not GGUF is removed after download', async () => {
  const { hub } = await fakeHub(() => Buffer.from('<html>not a model</html>'));
  const modelsDir = join(dir, 'cache2');
  await assert.rejects(
    pullModel({ ref: 'o/r/tiny-F32.gguf', modelsDir, hfEndpoint: hub, verify: checkModelFile, stderr: quiet }),
    (e: unknown) => e instanceof CliError && /tiny-F32\.gguf is not a usable model: .*not a GGUF file.*the download was removed/.test(e.message),
  );
  assert.equal(existsSync(join(modelsDir, 'tiny-F32.gguf')), false);
  assert.equal(existsSync(join(modelsDir, 'tiny-F32.gguf.part')), false);
});

test('unknown quantization and missing repo are clear errors', async () => {
  const { hub } = await fakeHub(() => gguf);
  const modelsDir = join(dir, 'cache3');
  await assert.rejects(pullModel({ ref: 'o/r:Q2_K', modelsDir, hfEndpoint: hub, stderr: quiet }),
    /no \.gguf file for quantization Q2_K; the repo has tiny-F32\.gguf, tiny-Q8_0\.gguf/);
  await assert.rejects(pullModel({ ref: 'o/missing:Q8_0', modelsDir, hfEndpoint: hub, stderr: quiet }),
    /Hugging Face repo o\/missing not found or not accessible \(HTTP 404\)/);
  await assert.rejects(pullModel({ ref: 'o/r/missing.gguf', modelsDir, hfEndpoint: hub, stderr: quiet }),
    /not found \(HTTP 404\)/);
});

test('offline: the :QUANT form fails with the offline message', async () => {
  await assert.rejects(
    pullModel({ ref: 'hf.co/o/r:Q4_K_M', modelsDir: join(dir, 'cache4'), hfEndpoint: 'https://nonexistent.invalid', stderr: quiet }),
    (e: unknown) => e instanceof CliError &&
      /^cannot reach nonexistent\.invalid: you appear to be offline \((ENOTFOUND|EAI_AGAIN)\)\. Listing o\/r/.test(e.message),
  );
});

test('--sha256 must be hex', async () => {
  await assert.rejects(pullModel({ ref: 'o/r/x.gguf', modelsDir: dir, hfEndpoint: 'http://127.0.0.1:9', sha256: 'xyz', stderr: quiet }),
    (e: unknown) => e instanceof CliError && e.exitCode === 2);
});
