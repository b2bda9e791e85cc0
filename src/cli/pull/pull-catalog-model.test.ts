import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { LLAMA_MODEL_PRESETS } from '../../gguf/llama-model-options.js';
import { writeLlamaModel } from '../../gguf/write-llama-model.js';
import { checkModelFile } from '../check-model-file.js';
import { CliError } from '../cli-error.js';
import type { CatalogModel } from './default-models.js';
import { isUnreachable } from './describe-network-error.js';
import { catalogModelUrl, pullCatalogModel, verifiedMarkerPath } from './pull-catalog-model.js';
import { pullModel } from './pull-model.js';

let dir: string;
let gguf: Buffer;
let pinned: CatalogModel;
const quiet = { write: () => true };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-catalog-'));
  await writeLlamaModel(join(dir, 'src.gguf'), { ...LLAMA_MODEL_PRESETS.tiny, chatTemplate: false });
  gguf = await readFile(join(dir, 'src.gguf'));
  pinned = {
    name: 'tiny-1m', description: 'a tiny test model', repo: 'o/r', revision: 'a'.repeat(40), file: 'tiny-Q4_K_M.gguf',
    bytes: gguf.length, sha256: createHash('sha256').update(gguf).digest('hex'), license: 'test',
  };
});
after(() => rm(dir, { recursive: true, force: true }));

/** A stand-in for Hugging Face serving `body()` at the pinned model's resolve path only; counts requests. */
async function hub(body: () => Buffer): Promise<{ endpoint: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/o/r/resolve/${'a'.repeat(40)}/tiny-Q4_K_M.gguf`) res.writeHead(200, { 'content-length': String(body().length) }).end(body());
    else res.writeHead(404).end('Entry not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

test('downloads the pinned file, checks its SHA-256 and marks it; later pulls read neither the network nor the file', async () => {
  const { endpoint, requests } = await hub(() => gguf);
  const modelsDir = join(dir, 'cache1');
  const progress: string[] = [];
  const stderr = { write: (s: string) => progress.push(s) };
  const r = await pullCatalogModel({ model: pinned, modelsDir, hfEndpoint: endpoint, verify: checkModelFile, stderr });
  assert.equal(r.alreadyPresent, false);
  assert.equal(r.path, join(modelsDir, 'tiny-Q4_K_M.gguf'));
  assert.equal(r.sha256CheckedAgainst, 'option');
  assert.equal(r.catalog, 'tiny-1m');
  assert.equal(r.url, catalogModelUrl(pinned, endpoint));
  assert.deepEqual(await readFile(r.path), gguf);
  assert.equal(await readFile(verifiedMarkerPath(r.path), 'utf8'), `${pinned.sha256}  tiny-Q4_K_M.gguf\n`);
  assert.match(progress.join(''), /pulling tiny-1m: tiny-Q4_K_M\.gguf \(.* test\) from http:\/\/127\.0\.0\.1:\d+\/o\/r\/resolve\/a{40}\/tiny-Q4_K_M\.gguf\n/);
  assert.match(progress.join(''), /tiny-Q4_K_M\.gguf: 100% /);
  assert.equal(requests.length, 1);

  const again = await pullCatalogModel({ model: pinned, modelsDir, hfEndpoint: 'http://127.0.0.1:1', stderr: quiet });
  assert.equal(again.alreadyPresent, true);

  // No marker (a file pulled by URL, say): hashed once, then marked.
  await rm(verifiedMarkerPath(r.path));
  const notes: string[] = [];
  const hashed = await pullCatalogModel({ model: pinned, modelsDir, hfEndpoint: 'http://127.0.0.1:1', stderr: { write: (s: string) => notes.push(s) } });
  assert.equal(hashed.alreadyPresent, true);
  assert.match(notes.join(''), /checking the SHA-256 of .*tiny-Q4_K_M\.gguf \(once\)/);
  assert.ok(existsSync(verifiedMarkerPath(r.path)));
  assert.equal(requests.length, 1, 'never downloaded twice');
});

test('a download whose SHA-256 is not the pinned one is removed, with one line', async () => {
  const other = Buffer.from(gguf);
  other[other.length - 1] ^= 0xff;
  const { endpoint } = await hub(() => other);
  const modelsDir = join(dir, 'cache2');
  await assert.rejects(
    pullCatalogModel({ model: pinned, modelsDir, hfEndpoint: endpoint, verify: checkModelFile, stderr: quiet }),
    (e: unknown) => e instanceof CliError && !e.message.includes('\n') &&
      /^SHA-256 mismatch for tiny-Q4_K_M\.gguf: expected [0-9a-f]{64} \(from the SHA-256 pinned for tiny-1m\), got [0-9a-f]{64}; the download was removed$/.test(e.message),
  );
  assert.equal(existsSync(join(modelsDir, 'tiny-Q4_K_M.gguf')), false);
  assert.equal(existsSync(join(modelsDir, 'tiny-Q4_K_M.gguf.part')), false);
  assert.equal(existsSync(join(modelsDir, 'tiny-Q4_K_M.gguf.sha256')), false);
});

test('a file of that name that is not the pinned one is reported and left alone', async () => {
  const modelsDir = join(dir, 'cache3');
  await mkdir(modelsDir, { recursive: true });
  const path = join(modelsDir, 'tiny-Q4_K_M.gguf');
  await writeFile(path, 'not it');
  await assert.rejects(pullCatalogModel({ model: pinned, modelsDir, hfEndpoint: 'http://127.0.0.1:1', stderr: quiet }),
    /is not the pinned tiny-1m \(6 bytes where \d+ are pinned\): move it away .* --model /);
  const same = Buffer.from(gguf);
  same[0] ^= 1;
  await writeFile(path, same);
  await assert.rejects(pullCatalogModel({ model: pinned, modelsDir, hfEndpoint: 'http://127.0.0.1:1', stderr: quiet }),
    /is not the pinned tiny-1m \(SHA-256 [0-9a-f]{64} where [0-9a-f]{64} is pinned\)/);
  assert.deepEqual(await readFile(path), same);
  assert.equal(existsSync(verifiedMarkerPath(path)), false);
});

test('pull NAME takes the short names; offline, the error carries the network cause', async () => {
  const { endpoint } = await hub(() => gguf);
  const modelsDir = join(dir, 'cache4');
  const r = await pullModel({ ref: 'TINY-1m', modelsDir, hfEndpoint: endpoint, stderr: quiet, catalog: [pinned] });
  assert.equal(r.catalog, 'tiny-1m');
  assert.deepEqual(await readFile(r.path), gguf);
  await assert.rejects(pullModel({ ref: 'tiny-1m', modelsDir, hfEndpoint: endpoint, stderr: quiet, catalog: [pinned], sha256: 'b'.repeat(64) }),
    (e: unknown) => e instanceof CliError && e.exitCode === 2);
  await assert.rejects(
    pullModel({ ref: 'tiny-1m', modelsDir: join(dir, 'cache5'), hfEndpoint: 'http://127.0.0.1:1', stderr: quiet, catalog: [pinned] }),
    (e: unknown) => e instanceof CliError && /^cannot reach 127\.0\.0\.1:1: you appear to be offline \(ECONNREFUSED\)$/.test(e.message) && isUnreachable(e.cause),
  );
});
