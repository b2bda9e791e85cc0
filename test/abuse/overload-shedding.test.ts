/**
 * Shedding before the body (issue 14, item 2): a real server on the fake engine, its scheduler
 * state set by the test. A generation whose engine has every slot busy and its queue full gets
 * Google's 503 UNAVAILABLE with `Retry-After` (the engine's drain estimate) before its body is
 * read: a declared 100 MB body that never comes is answered at once, and the refusal takes none of
 * the key's rate-limit quota. A small body that came with its headers is discarded and the
 * connection kept, until refusals come faster than clients waiting `Retry-After` would send them.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { ModelCatalog } from '../../src/core/catalog/model-catalog.js';
import type { SchedulerStats } from '../../src/core/scheduler.js';
import type { GenerateEvent, GenerateInput } from '../../src/core/engine.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { RateLimiter } from '../../src/gateway/limits/rate-limiter.js';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.js';
import { createApp } from '../../src/http/create-app.js';
import { RETRIES_PER_CONNECTION } from '../../src/http/shed-when-overloaded.js';

const MODEL = 'gemini-2.0-flash';
const GENERATE = `/v1beta/models/${MODEL}:generateContent`;
const STREAM = `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`;
const COUNT = `/v1beta/models/${MODEL}:countTokens`;
const BODY = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] });

/** The fake engine with a scheduler state the test sets: full (2 busy, 4 of 4 queued, 1.5 s per generation) or idle. */
class SettableEngine extends FakeEngine {
  full = true;
  streams = 0;
  stats(): SchedulerStats {
    return this.full ? { busy: 2, queued: 4, slots: 2, maxQueue: 4, meanHoldMs: 1500 } : { busy: 0, queued: 0, slots: 2, maxQueue: 4, meanHoldMs: 0 };
  }
  override stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.streams++;
    return super.stream(input);
  }
}

async function listening(limits?: RateLimiter, apiKeys: string[] = [], metrics?: GatewayMetrics) {
  const engine = new SettableEngine();
  const app = await createApp({
    catalog: new ModelCatalog([{ id: MODEL, engine }]), apiKeys, bodyLimitBytes: 200 * 1024 * 1024, ...(limits ? { limits } : {}), ...(metrics ? { metrics } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, engine, port: (app.server.address() as { port: number }).port };
}

/** A raw connection: what it received, whether it was closed, and a reader of one response at a time. */
async function open(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let buffered = '';
  let wake = () => {};
  socket.on('data', (c: Buffer) => { buffered += c.toString('utf8'); wake(); });
  socket.on('error', () => undefined);
  let isClosed = false;
  const closed = new Promise<void>((resolve) => socket.once('close', () => { isClosed = true; wake(); resolve(); }));
  /** The next whole response (headers and a Content-Length body). */
  const response = async (): Promise<{ status: number; headers: string; body: any }> => {
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end >= 0) {
        const headers = buffered.slice(0, end).toLowerCase();
        const length = Number(/\r\ncontent-length: (\d+)/.exec(headers)?.[1] ?? 0);
        if (buffered.length >= end + 4 + length) {
          const body = buffered.slice(end + 4, end + 4 + length);
          buffered = buffered.slice(end + 4 + length);
          return { status: Number(/^http\/1\.1 (\d{3})/.exec(headers)?.[1]), headers, body: body ? JSON.parse(body) : undefined };
        }
      }
      if (isClosed) throw new Error(`connection closed; received ${JSON.stringify(buffered)}`);
      await new Promise<void>((r) => { wake = r; });
    }
  };
  return { socket, response, closed, isClosed: () => isClosed };
}

function request(path: string, body: string, contentLength = Buffer.byteLength(body)): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n${body}`;
}

function assertOverloaded(res: { status: number; headers: string; body: any }, retryAfter: string) {
  assert.equal(res.status, 503);
  assert.deepEqual(res.body, { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
  assert.match(res.headers, new RegExp(`\\r\\nretry-after: ${retryAfter}\\r\\n`));
}

describe('shedding generations before their body is read', () => {
  for (const path of [GENERATE, STREAM]) {
    it(`${path.split(':')[1]}: a declared 100 MB body that never comes gets the 503 with Retry-After, and the connection closes`, async () => {
      const { app, engine, port } = await listening();
      try {
        const c = await open(port);
        // Only the headers and a few bytes of the body: a server reading the body would wait for the rest.
        c.socket.write(request(path, '{"contents":', 100 * 1024 * 1024));
        const res = await c.response();
        // Drain estimate: (4 queued + 1) × 1.5 s / 2 slots = 3.75 s, rounded up.
        assertOverloaded(res, '4');
        assert.match(res.headers, /\r\nconnection: close\r\n/);
        await c.closed;
        assert.equal(engine.streams, 0);
      } finally {
        await app.close();
      }
    });
  }

  it('a refused request takes none of the key\'s quota; the engine with room again serves it', async () => {
    const { app, engine, port } = await listening(new RateLimiter({ defaults: { rpm: 1 } }));
    try {
      const c = await open(port);
      for (let i = 0; i < 3; i++) {
        const fresh = i === 0 ? c : await open(port);
        fresh.socket.write(request(GENERATE, BODY));
        assertOverloaded(await fresh.response(), '4');
      }
      engine.full = false;
      const d = await open(port);
      d.socket.write(request(GENERATE, BODY));
      assert.equal((await d.response()).status, 200);
      d.socket.write(request(GENERATE, BODY));
      const limited = await d.response();
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.status, 'RESOURCE_EXHAUSTED');
      assert.equal(engine.streams, 1);
    } finally {
      await app.close();
    }
  });

  it('a small body is discarded and the connection kept; once refusals outnumber their connections (retries at once), they close', async () => {
    const { app, port } = await listening();
    try {
      const c = await open(port);
      // Up to RETRIES_PER_CONNECTION refusals on one connection within a second: kept (a pool may share a connection).
      for (let i = 0; i < RETRIES_PER_CONNECTION; i++) {
        c.socket.write(request(GENERATE, BODY));
        const kept = await c.response();
        assertOverloaded(kept, '4');
        // The next request on the connection is parsed as a request: the body did not linger.
        assert.match(kept.headers, /\r\nconnection: keep-alive\r\n/);
      }
      // One more within the second: clients are retrying at once, so the refusal closes.
      c.socket.write(request(GENERATE, BODY));
      const closing = await c.response();
      assertOverloaded(closing, '4');
      assert.match(closing.headers, /\r\nconnection: close\r\n/);
      await c.closed;
    } finally {
      await app.close();
    }
  });

  it('the key is checked first: without one a full engine\'s model is still the 403, with one the 503', async () => {
    const { app, port } = await listening(undefined, ['k1']);
    try {
      const c = await open(port);
      c.socket.write(request(GENERATE, BODY));
      const res = await c.response();
      assert.equal(res.status, 403);
      assert.equal(res.body.error.status, 'PERMISSION_DENIED');
      const d = await open(port);
      d.socket.write(request(GENERATE, BODY).replace('\r\n\r\n', '\r\nx-goog-api-key: k1\r\n\r\n'));
      assertOverloaded(await d.response(), '4');
    } finally {
      await app.close();
    }
  });

  it('countTokens takes no slot, so a full engine still counts', async () => {
    const { app, port } = await listening();
    try {
      const c = await open(port);
      c.socket.write(request(COUNT, BODY));
      const res = await c.response();
      assert.equal(res.status, 200);
      assert.equal(typeof res.body.totalTokens, 'number');
    } finally {
      await app.close();
    }
  });

  it('a shed request makes no usage record but is counted in gemserve_requests_total with status 503', async () => {
    const metrics = new GatewayMetrics();
    const { app, port } = await listening(undefined, [], metrics);
    try {
      const c = await open(port);
      c.socket.write(request(GENERATE, BODY));
      assertOverloaded(await c.response(), '4');
      const text = await metrics.metrics();
      assert.match(text, /gemserve_requests_total\{[^}]*method="generateContent"[^}]*status="503"[^}]*\} 1/);
    } finally {
      await app.close();
    }
  });
});
