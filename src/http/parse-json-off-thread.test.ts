import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { FastifyRequest } from 'fastify';
import { GemserveError } from '../core/errors.js';
import { createJsonBodyParser, parseJsonBody } from './parse-json-body.js';
import { JsonParsePool } from './parse-json-off-thread.js';
import { BODY_BLOCK_BYTES } from './read-body-blocks.js';

const pool = new JsonParsePool();
after(() => pool.close());

type Outcome = { err: Error | null; body?: unknown };
const onMainThread = (bytes: Buffer): Outcome => {
  let out: Outcome | undefined;
  parseJsonBody({} as FastifyRequest, bytes, (err, body) => { out = { err, body }; });
  return out!;
};
const request = (headers: Record<string, string> = {}, bodyLimit = 1 << 30) => ({ headers, routeOptions: { bodyLimit } }) as unknown as FastifyRequest;
/** Through the Fastify parser with a threshold of 0 (every body goes to a worker), the body in `chunks`. */
const offThread = (bytes: Buffer | Buffer[], p = pool, req = request()): Promise<Outcome> =>
  new Promise((resolve) => createJsonBodyParser(p, 0)(req, Readable.from(Array.isArray(bytes) ? bytes : [bytes]), (err, body) => resolve({ err, body })));

const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
const BODIES = [
  '', '  \n', '{}', '{"a":[1,{"b":"é😀\\u00e9"}]}', nested(100), nested(101), '{"a":', '[1]', '"x"', 'null',
  '\n<x', '\n\n}', '\r\n\u00ff', '{"a":1}}', '{"a":\n  tru}', `{"t":"${'x'.repeat(2 * 1024 * 1024)}"`,
];

test('a worker gives the main thread\'s answers: the same values and the same Google errors', async () => {
  for (const text of BODIES) {
    const expected = onMainThread(Buffer.from(text));
    const got = await offThread(Buffer.from(text));
    assert.deepEqual(got.body, expected.body, text.slice(0, 40));
    assert.equal(got.err === null, expected.err === null, text.slice(0, 40));
    if (expected.err) {
      assert.ok(got.err instanceof GemserveError);
      assert.equal(got.err.code, (expected.err as GemserveError).code);
      assert.equal(got.err.message, expected.err.message);
    }
  }
});

test('a body of several blocks, chunks straddling them and multi-byte characters split, is joined whole', async () => {
  const text = JSON.stringify({ t: 'é😀x'.repeat(Math.ceil((2.5 * BODY_BLOCK_BYTES) / 8)) });
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 65_537) chunks.push(bytes.subarray(at, at + 65_537));
  const got = await offThread(chunks);
  assert.equal(got.err, null);
  assert.equal((got.body as { t: string }).t, JSON.parse(text).t);
});

test('the body limit and Content-Length are held as Fastify holds them', async () => {
  const tooLarge = await offThread(Buffer.from('{"a":1}'), pool, request({}, 6));
  assert.equal((tooLarge.err as { code?: string }).code, 'FST_ERR_CTP_BODY_TOO_LARGE');
  const declaredTooLarge = await offThread(Buffer.from('{}'), pool, request({ 'content-length': '7' }, 6));
  assert.equal((declaredTooLarge.err as { code?: string }).code, 'FST_ERR_CTP_BODY_TOO_LARGE');
  const short = await offThread(Buffer.from('{}'), pool, request({ 'content-length': '3' }));
  assert.equal((short.err as { code?: string }).code, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH');
  assert.deepEqual(await offThread(Buffer.from('{"a":1}'), pool, request({ 'content-length': '7' }, 7)), { err: null, body: { a: 1 } });
});

test('bodies under the threshold are parsed on the main thread', async () => {
  const parse = (p: JsonParsePool) => new Promise<Outcome>((resolve) =>
    createJsonBodyParser(p)(request(), Readable.from([Buffer.from('{"a":1}')]), (err, body) => resolve({ err, body })));
  // A closed pool parses nothing: only the main thread can answer.
  const closed = new JsonParsePool();
  await closed.close();
  assert.deepEqual(await parse(closed), { err: null, body: { a: 1 } });
});

test('a worker that dies fails its own body with Google\'s 500 INTERNAL, and the next body gets a new worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gemserve-parse-worker-'));
  try {
    // The real worker's parse, but a body "crash" ends the thread mid-job.
    const script = join(dir, 'worker.mjs');
    writeFileSync(script, `
      import { parentPort } from 'node:worker_threads';
      import { parseJsonText } from ${JSON.stringify(new URL('./parse-json-text.ts', import.meta.url).href)};
      parentPort.on('message', (job) => {
        const text = Buffer.concat(job.blocks.map((b) => Buffer.from(b)), job.length).toString('utf8');
        if (text === 'crash') process.exit(7);
        if (text === 'throw') throw new Error('boom');
        parentPort.postMessage({ id: job.id, ...parseJsonText(text) });
      });`);
    const crashing = new JsonParsePool({ size: 1, script: pathToFileURL(script) });
    try {
      for (const how of ['crash', 'throw']) {
        const [bad, good] = await Promise.all([offThread(Buffer.from(how), crashing), offThread(Buffer.from('{"ok":true}'), crashing)]);
        assert.ok(bad.err instanceof GemserveError, how);
        assert.equal(bad.err.code, 'INTERNAL');
        assert.equal(bad.err.httpStatus, 500);
        assert.equal(bad.err.status, 'INTERNAL');
        assert.deepEqual(good, { err: null, body: { ok: true } }, `the body queued behind the ${how} is parsed by a new worker`);
      }
    } finally {
      await crashing.close();
    }
    const closed = await offThread(Buffer.from('{}'), crashing);
    assert.equal((closed.err as GemserveError).code, 'INTERNAL', 'a closed pool parses nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
