import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CliError } from '../cli-error.js';
import { announcedSha256, downloadFile, parseContentRange } from './download-file.js';

const DATA = randomBytes(300_000);
const SHA = createHash('sha256').update(DATA).digest('hex');
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDest(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-dl-'));
  dirs.push(dir);
  return join(dir, 'model.gguf');
}

interface FileServerOptions {
  /** On the first request, send this many bytes then cut the connection. */
  dropFirstAt?: number;
  /** Answer Range requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
  status?: number;
  headers?: Record<string, string>;
}

/** Serves DATA at any path on 127.0.0.1, honouring `Range: bytes=N-`; records request headers. */
async function fileServer(opts: FileServerOptions = {}): Promise<{ url: string; requests: IncomingHttpHeaders[]; server: Server }> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res: ServerResponse) => {
    requests.push(req.headers);
    if (opts.status) {
      res.writeHead(opts.status, { 'content-type': 'text/plain' }).end('nope');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && !opts.ignoreRange ? Number(range[1]) : 0;
    if (start >= DATA.length) {
      res.writeHead(416, { 'content-range': `bytes */${DATA.length}` }).end();
      return;
    }
    const body = DATA.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      'content-length': String(body.length),
      ...(start > 0 ? { 'content-range': `bytes ${start}-${DATA.length - 1}/${DATA.length}` } : {}),
      ...opts.headers,
    });
    if (requests.length === 1 && opts.dropFirstAt !== undefined) {
      // Flush part of the body, then cut the connection mid-transfer.
      res.write(body.subarray(0, opts.dropFirstAt), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/owner/repo/resolve/main/model.gguf`, requests, server };
}

test('downloads the whole file, then moves it into place', async () => {
  const { url, requests } = await fileServer();
  const dest = await tempDest();
  const r = await downloadFile({ url, dest });
  assert.deepEqual(await readFile(dest), DATA);
  assert.equal(existsSync(`${dest}.part`), false);
  assert.equal(r.bytes, DATA.length);
  assert.equal(r.sha256, SHA);
  assert.equal(r.resumed, false);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].range, undefined);
});

test('resumes with a Range request after the server drops the connection halfway', async () => {
  const half = DATA.length / 2;
  const { url, requests } = await fileServer({ dropFirstAt: half });
  const dest = await tempDest();
  const notes: string[] = [];
  const r = await downloadFile({ url, dest, retryDelayMs: 1, log: (l) => notes.push(l) });
  assert.equal(requests.length, 2);
  assert.equal(requests[1].range, `bytes=${half}-`);
  assert.deepEqual(await readFile(dest), DATA, 'byte-identical');
  assert.equal(r.sha256, SHA);
  assert.equal(r.resumed, true);
  assert.match(notes.join('\n'), /connection lost at .*resuming \(retry 1 of 3\)/);
});

test('a .part left by an earlier run is resumed by the next one', async () => {
  const half = 100_000;
  const { url, requests } = await fileServer({ dropFirstAt: half });
  const dest = await tempDest();
  await assert.rejects(downloadFile({ url, dest, retries: 0 }), (e: unknown) =>
    e instanceof CliError && /interrupted at .*run the same command again to resume/.test(e.message));
  assert.equal((await readFile(`${dest}.part`)).length, half);
  assert.equal(existsSync(dest), false);
  await downloadFile({ url, dest, retries: 0 });
  assert.equal(requests[1].range, `bytes=${half}-`);
  assert.deepEqual(await readFile(dest), DATA);
});

test('a server that ignores Range (200) restarts the file from zero', async () => {
  const { url, requests } = await fileServer({ ignoreRange: true });
  const dest = await tempDest();
  await writeFile(`${dest}.part`, Buffer.from('garbage that must not survive'));
  const r = await downloadFile({ url, dest });
  assert.match(requests[0].range ?? '', /^bytes=29-$/);
  assert.deepEqual(await readFile(dest), DATA);
  assert.equal(r.resumed, false);
});

test('a complete .part (416 on resume) is verified and moved into place', async () => {
  const { url } = await fileServer();
  const dest = await tempDest();
  await writeFile(`${dest}.part`, DATA);
  const r = await downloadFile({ url, dest, sha256: SHA });
  assert.deepEqual(await readFile(dest), DATA);
  assert.equal(r.sha256CheckedAgainst, 'option');
});

test('HTTP 404 and 401 are clear errors', async () => {
  const dest = await tempDest();
  const notFound = await fileServer({ status: 404 });
  await assert.rejects(downloadFile({ url: notFound.url, dest }), /^CliError: not found \(HTTP 404\): http:\/\/127\.0\.0\.1:\d+\/owner\/repo/);
  const unauthorised = await fileServer({ status: 401 });
  await assert.rejects(downloadFile({ url: unauthorised.url, dest }), /HTTP 401 .*needs authorisation.*HF_TOKEN/);
  assert.equal(existsSync(dest), false);
});

test('a SHA-256 mismatch removes the download and leaves nothing in place', async () => {
  const { url } = await fileServer();
  const dest = await tempDest();
  const wrong = 'a'.repeat(64);
  await assert.rejects(downloadFile({ url, dest, sha256: wrong }), (e: unknown) =>
    e instanceof CliError && e.message.includes(`SHA-256 mismatch for model.gguf: expected ${wrong} (from --sha256), got ${SHA}`));
  assert.equal(existsSync(dest), false);
  assert.equal(existsSync(`${dest}.part`), false);
});

test("the server's X-Linked-ETag SHA-256 is checked", async () => {
  const good = await fileServer({ headers: { 'x-linked-etag': `"${SHA}"` } });
  const dest = await tempDest();
  assert.equal((await downloadFile({ url: good.url, dest })).sha256CheckedAgainst, 'server');
  const bad = await fileServer({ headers: { 'x-linked-etag': `"${'b'.repeat(64)}"` } });
  const dest2 = await tempDest();
  await assert.rejects(downloadFile({ url: bad.url, dest: dest2 }), /SHA-256 mismatch .*from the server's ETag/);
  assert.equal(existsSync(dest2), false);
});

test('a failed content check removes the download', async () => {
  const { url } = await fileServer();
  const dest = await tempDest();
  await assert.rejects(downloadFile({ url, dest, verify: async () => 'it is not a GGUF file' }), /model\.gguf is not a usable model: it is not a GGUF file; the download was removed/);
  assert.equal(existsSync(dest), false);
  assert.equal(existsSync(`${dest}.part`), false);
});

test('an unreachable host is reported as being offline', async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const dest = await tempDest();
  await assert.rejects(downloadFile({ url: `http://127.0.0.1:${port}/m.gguf`, dest }), (e: unknown) =>
    e instanceof CliError && e.message === `cannot reach 127.0.0.1:${port}: you appear to be offline (ECONNREFUSED)`);
  await assert.rejects(downloadFile({ url: 'https://nonexistent.invalid/m.gguf', dest }), (e: unknown) =>
    e instanceof CliError && /^cannot reach nonexistent\.invalid: you appear to be offline \((ENOTFOUND|EAI_AGAIN)\)$/.test(e.message));
});

test('announcedSha256 and parseContentRange', () => {
  assert.equal(announcedSha256([{ 'x-linked-etag': `"${SHA}"` }, { etag: '"abc"' }]), SHA);
  assert.equal(announcedSha256([{ etag: `W/"${SHA.toUpperCase()}"` }]), SHA);
  assert.equal(announcedSha256([{ etag: '"d41d8cd98f00b204e9800998ecf8427e"' }]), undefined, 'an MD5 ETag proves nothing');
  assert.deepEqual(parseContentRange('bytes 100-199/200'), { start: 100, total: 200 });
  assert.deepEqual(parseContentRange('bytes */200'), { start: undefined, total: 200 });
  assert.deepEqual(parseContentRange('bytes 0-9/*'), { start: 0, total: undefined });
  assert.equal(parseContentRange('items 1-2/3'), undefined);
});
