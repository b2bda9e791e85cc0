import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyRequest } from 'fastify';
import { GemserveError } from '../core/errors.js';
import { createJsonBodyParser, parseJsonBody } from './parse-json-body.js';
import { JsonParsePool } from './parse-json-off-thread.js';

const pool = new JsonParsePool();
after(() => pool.close());

type Outcome = { err: Error | null; body?: unknown };
const onMainThread = (bytes: Buffer): Outcome => {
  let out: Outcome | undefined;
  parseJsonBody({} as FastifyRequest, bytes, (err, body) => { out = { err, body }; });
  return out!;
};
/** Through the Fastify parser with a threshold of 0: every body goes to a worker. */
const offThread = (bytes: Buffer, p = pool): Promise<Outcome> =>
  new Promise((resolve) => createJsonBodyParser(p, 0)({} as FastifyRequest, bytes, (err, body) => resolve({ err, body })));

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

test('a Buffer owning its whole memory is transferred, a slice of a larger one is copied', async () => {
  const owned = Buffer.concat([Buffer.from('{"a":'), Buffer.from('1}'.padEnd(8192))]);
  assert.equal(owned.byteLength, owned.buffer.byteLength);
  assert.deepEqual((await offThread(owned)).body, { a: 1 });
  assert.equal(owned.length, 0, 'transferred: detached here');
  const backing = Buffer.from('xx{"b":2}yy');
  const slice = backing.subarray(2, 9);
  assert.deepEqual((await offThread(slice)).body, { b: 2 });
  assert.equal(backing.toString(), 'xx{"b":2}yy', 'the neighbours are untouched');
});

test('bodies under the threshold are answered synchronously, on the main thread', () => {
  let answered = false;
  createJsonBodyParser(pool)({} as FastifyRequest, Buffer.from('{"a":1}'), () => { answered = true; });
  assert.ok(answered);
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
        const text = Buffer.from(job.bytes).toString('utf8');
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
