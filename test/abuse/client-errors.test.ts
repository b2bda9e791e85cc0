import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../src/core/catalog/model-catalog.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { createApp } from '../../src/http/create-app.js';

const KEY = 'AIza-abuse-test-key';

async function listening(engine = new FakeEngine()): Promise<{ app: FastifyInstance; port: number; logs: () => Record<string, any>[] }> {
  const lines: string[] = [];
  const app = await createApp({
    catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine }]),
    apiKeys: [KEY],
    bodyLimitBytes: 1 << 20,
    logger: { level: 'debug', stream: { write: (s: string) => lines.push(s) } },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return { app, port, logs: () => lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) };
}

/** Sends raw bytes, returns everything the server wrote until it closed the socket. */
async function raw(port: number, data: string | Buffer, opts: { endAfterWrite?: boolean } = {}): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  socket.write(data);
  if (opts.endAfterWrite) socket.end();
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

function parseResponse(text: string): { status: number; headers: string; body: any } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, headers: head.toLowerCase(), body: JSON.parse(rest.join('\r\n\r\n')) };
}

function assertGoogleEnvelope(res: { status: number; body: any }, status: number, rpcStatus: string) {
  assert.equal(res.status, status);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.equal(res.body.error.code, status);
  assert.equal(res.body.error.status, rpcStatus);
  assert.equal(typeof res.body.error.message, 'string');
}

async function assertStillServing(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
}

test('malformed HTTP is answered in Google\'s envelope with Connection: close, and the server keeps serving', async (t) => {
  const { app, port, logs } = await listening();
  t.after(() => app.close());

  const oversized = parseResponse(await raw(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
  assertGoogleEnvelope(oversized, 431, 'INVALID_ARGUMENT');
  assert.match(oversized.headers, /connection: close/);
  await assertStillServing(port);

  const garbage = parseResponse(await raw(port, 'HELLO THERE\r\n\r\n'));
  assertGoogleEnvelope(garbage, 400, 'INVALID_ARGUMENT');
  assert.match(garbage.headers, /connection: close/);
  await assertStillServing(port);

  const badChunk = parseResponse(await raw(port,
    `POST /v1beta/models/gemini-2.0-flash:countTokens HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-goog-api-key: ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n`));
  assertGoogleEnvelope(badChunk, 400, 'INVALID_ARGUMENT');
  await assertStillServing(port);

  const badHeader = parseResponse(await raw(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nBad Header Name: y\r\n\r\n'));
  assertGoogleEnvelope(badHeader, 400, 'INVALID_ARGUMENT');
  await assertStillServing(port);
  await sleep(50);
  assert.deepEqual(logs().filter((l) => l.level >= 40), [], 'nothing at warn or error');
});

test('a client that closes mid-body is logged at info as a closed connection, with no error or stack', async (t) => {
  const { app, port, logs } = await listening();
  t.after(() => app.close());
  const half = `POST /v1beta/models/gemini-2.0-flash:countTokens HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-goog-api-key: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"contents":[{"parts":[{"text":"hel`;
  await raw(port, half, { endAfterWrite: true });
  // Chunked, cut mid-body too.
  await raw(port, `POST /v1beta/models/gemini-2.0-flash:countTokens HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-goog-api-key: ${KEY}\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"contents":[{"p`, { endAfterWrite: true });
  await assertStillServing(port);
  await sleep(50);
  const all = logs();
  const bad = all.filter((l) => l.level >= 40);
  assert.deepEqual(bad, [], 'nothing at warn or error');
  assert.ok(!JSON.stringify(all).includes('"stack"'), 'no stack trace');
  const closed = all.filter((l) => l.msg === 'client closed the connection');
  assert.equal(closed.length, 2);
  assert.ok(closed.every((l) => l.level === 30 && typeof l.reqId === 'string'));
});

test('a client that leaves mid-response (stream or not) is no error in the log', async (t) => {
  const { app, port, logs } = await listening(new FakeEngine({ tokenDelayMs: 20 }));
  t.after(() => app.close());
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'tell me a long story' }] }] });
  for (const method of ['streamGenerateContent?alt=sse', 'generateContent']) {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => undefined);
    socket.write(`POST /v1beta/models/gemini-2.0-flash:${method} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-goog-api-key: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    if (method.startsWith('stream')) await once(socket, 'data');
    else await sleep(30);
    socket.destroy();
  }
  await sleep(300);
  await assertStillServing(port);
  const all = logs();
  assert.deepEqual(all.filter((l) => l.level >= 40), [], 'nothing at warn or error');
  assert.ok(!JSON.stringify(all).includes('"stack"'), 'no stack trace');
  const closed = all.filter((l) => l.msg === 'client closed the connection');
  assert.equal(closed.length, 2, 'one info line per request left');
  assert.ok(closed.every((l) => l.level === 30));
});
