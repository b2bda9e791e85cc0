import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { createApp } from './create-app.js';

/** Sends raw bytes to a listening app; resolves with everything written back until the server closed the socket. */
async function exchange(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(text);
  await once(socket, 'close');
  const [head, ...rest] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') };
}

test('Node\'s bodiless refusals (an unknown Expect, HTTP/1.1 without Host, CONNECT) come in Google\'s envelope', async (t) => {
  const app = await createApp({ catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine: new FakeEngine() }]), apiKeys: [], bodyLimitBytes: 1 << 20 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const port = (app.server.address() as { port: number }).port;

  const expect = await exchange(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nExpect: the-unexpected\r\n\r\n`);
  assert.equal(expect.status, 417);
  assert.match(expect.headers, /content-type: application\/json/);
  assert.match(expect.headers, /connection: close/);
  assert.deepEqual(Object.keys(JSON.parse(expect.body).error), ['code', 'message', 'status']);
  assert.equal(JSON.parse(expect.body).error.code, 417);
  assert.equal(JSON.parse(expect.body).error.status, 'INVALID_ARGUMENT');

  const noHost = await exchange(port, 'GET /v1beta/models HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.equal(noHost.status, 400);
  assert.deepEqual(JSON.parse(noHost.body), {
    error: { code: 400, message: 'Your client has issued a malformed or illegal request.', status: 'INVALID_ARGUMENT' },
  });

  const tunnel = await exchange(port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
  assert.equal(tunnel.status, 400);
  assert.equal(JSON.parse(tunnel.body).error.status, 'INVALID_ARGUMENT');

  // HTTP/1.0 has no Host requirement, and 100-continue still works.
  assert.equal((await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n')).status, 200);
  const body = '{"contents":[{"parts":[{"text":"hi"}]}]}';
  const continued = await exchange(port, `POST /v1beta/models/gemini-2.0-flash:countTokens HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  assert.match(continued.headers, /^http\/1\.1 100 continue/);
  assert.match(continued.body, /HTTP\/1\.1 200 OK/);
});
