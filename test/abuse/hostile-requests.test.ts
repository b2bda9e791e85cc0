/**
 * Issue 14's Done-when: "0 × 5xx and 0 non-Google error bodies over ≥ 2,000 hostile requests".
 * The seeded cases of test/fixtures/hostile-requests.ts go as raw bytes to a real gemserve
 * (listening, the fake engine behind a slot scheduler), once with keys, an admin key and a JWT
 * secret configured (so the auth paths run) and once without keys; then the upload protocol's
 * steps out of order. Every answer must be below 500, every error Google's envelope
 * (`{"error":{"code","message","status"}}`, `code` the HTTP status, `status` a google.rpc.Code
 * name), an SSE or JSON-array stream's in-band error too; afterwards the server still serves,
 * no engine slot is left held, and nothing was logged as a fault.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../src/core/catalog/model-catalog.js';
import type { EmbedInput, EmbedResult, GenerateEvent, GenerateInput } from '../../src/core/engine.js';
import { Scheduler } from '../../src/core/scheduler.js';
import { parsePromptBlocklist } from '../../src/core/prompt-blocklist.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { MemoryResponseCache } from '../../src/gateway/cache/memory-response-cache.js';
import { DEFAULT_RESPONSE_CACHE_POLICY } from '../../src/gateway/cache/response-cache-policy.js';
import { RateLimiter } from '../../src/gateway/limits/rate-limiter.js';
import { MemoryKeyStore } from '../../src/gateway/keys/memory-key-store.js';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.js';
import { MemoryUsageStore } from '../../src/gateway/usage/memory-usage-store.js';
import type { AppDeps } from '../../src/http/app-deps.js';
import { createApp } from '../../src/http/create-app.js';
import { MemoryBatchStore } from '../../src/storage/batches/memory-batch-store.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import {
  HOSTILE_EMBED_MODEL, HOSTILE_MODEL, hostileRequests, hostileUploadFlows, toBytes, type HostileRequest,
} from '../fixtures/hostile-requests.js';
import { seededRandom } from '../fixtures/seeded-random.js';
import { serveInChild } from '../fixtures/serve-in-child.js';

const SEED = 14;
const SLOW_MODEL = 'gemini-2.5-flash';
const KEY = 'AIza-hostile-requests-key';
const ADMIN = 'hostile-admin-secret';
const CONCURRENCY = 16;
/** Longer than any server timeout the cases can run into (the 1 s body idle window below): past it, the server hung. */
const ANSWER_WITHIN_MS = 10_000;

/**
 * google.rpc.Code's names (googleapis/googleapis google/rpc/code.proto), the only values of
 * `error.status` in Google's envelope (cloud.google.com/apis/design/errors).
 */
const RPC_CODES = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** The fake engine holding a scheduler slot per generation and embedding, as the real engines do, so a leaked slot shows in `stats()`. */
class SlottedFakeEngine extends FakeEngine {
  readonly scheduler = new Scheduler({ slots: 2, maxQueue: 256 });

  override async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    const slot = await this.scheduler.acquire(input.signal);
    try {
      yield* super.stream(input);
    } finally {
      slot.release();
    }
  }

  override async embed(input: EmbedInput): Promise<EmbedResult> {
    const slot = await this.scheduler.acquire(input.signal);
    try {
      return await super.embed(input);
    } finally {
      slot.release();
    }
  }

  stats() {
    return this.scheduler.stats();
  }
}

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/**
 * The first complete final (non-1xx) response in `data` from byte `from`, with the offset just
 * past it; undefined while it is incomplete. `closed`: no more bytes will come.
 */
function parseResponse(data: Buffer, closed: boolean, head: boolean, from = 0): (RawResponse & { end: number }) | undefined {
  let at = from;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end === -1) return undefined;
    const lines = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
    }
    const start = end + 4;
    const rest = data.subarray(start);
    if (status >= 100 && status < 200) { at = start; continue; }
    if (head || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), end: start };
    const length = headers.get('content-length');
    if (length !== undefined) return rest.length >= Number(length) ? { status, headers, body: rest.subarray(0, Number(length)), end: start + Number(length) } : undefined;
    if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
      const chunks: Buffer[] = [];
      let p = 0;
      for (;;) {
        const eol = rest.indexOf('\r\n', p);
        if (eol === -1) return undefined;
        const size = parseInt(rest.subarray(p, eol).toString('latin1'), 16);
        if (size === 0) return rest.length >= eol + 4 ? { status, headers, body: Buffer.concat(chunks), end: start + eol + 4 } : undefined;
        if (rest.length < eol + 2 + size + 2) return undefined;
        chunks.push(rest.subarray(eol + 2, eol + 2 + size));
        p = eol + 2 + size + 2;
      }
    }
    return closed ? { status, headers, body: rest, end: data.length } : undefined;
  }
}

type Outcome = { response: RawResponse } | { dropped: string };

/** Sends raw bytes and reads the first final response; `dropped` when the server closed without one. */
function send(port: number, bytes: Buffer, head: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ dropped: `no answer within ${ANSWER_WITHIN_MS} ms (hang)` }), ANSWER_WITHIN_MS);
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const response = parseResponse(Buffer.concat(chunks), false, head);
      if (response) finish({ response });
    });
    socket.on('close', () => {
      const response = parseResponse(Buffer.concat(chunks), true, head);
      finish(response ? { response } : { dropped: chunks.length ? `unparseable answer ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}` : 'closed without an answer' });
    });
    // The server may answer (and close) before the whole body is written: that is fine.
    socket.write(bytes, () => undefined);
  });
}

/**
 * Two requests in one write on one connection (HTTP/1.1 pipelining, RFC 9112 section 9.3.2):
 * the first kept alive, the second closing. Resolves with both answers, or with the first alone
 * when the server closed the connection after it, saying so in `Connection: close` (a refusal
 * whose body was not read closes, src/http/guard-request-bodies.ts); else a dropped outcome.
 */
function sendPipelined(port: number, first: Buffer, second: Buffer, heads: [boolean, boolean]): Promise<[Outcome, Outcome | undefined]> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (o: [Outcome, Outcome | undefined]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish([{ dropped: `no answers within ${ANSWER_WITHIN_MS} ms (hang)` }, undefined]), ANSWER_WITHIN_MS);
    const attempt = (closed: boolean) => {
      const data = Buffer.concat(chunks);
      const a = parseResponse(data, closed, heads[0]);
      if (!a) {
        if (closed) finish([{ dropped: data.length ? 'unparseable first answer' : 'closed without an answer' }, undefined]);
        return;
      }
      const b = parseResponse(data, closed, heads[1], a.end);
      if (b) return finish([{ response: a }, { response: b }]);
      if (!closed) return;
      const saidClose = /close/i.test(a.headers.get('connection') ?? '');
      finish([{ response: a }, saidClose ? undefined : { dropped: 'the connection closed after the first answer without Connection: close' }]);
    };
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => { chunks.push(c); attempt(false); });
    socket.on('close', () => attempt(true));
    socket.write(Buffer.concat([first, second]), () => undefined);
  });
}

/** Google's envelope, `code` equal to `httpStatus` when given; returns what is wrong, or undefined. */
function envelopeProblem(value: unknown, httpStatus?: number): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'error') return `keys ${JSON.stringify(keys)}, not ["error"]`;
  const e = (value as { error: Record<string, unknown> }).error;
  if (e === null || typeof e !== 'object') return 'error is not an object';
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'status', 'details'].includes(k));
  if (extra.length) return `unexpected error fields ${JSON.stringify(extra)}`;
  if (typeof e.code !== 'number' || (httpStatus !== undefined && e.code !== httpStatus)) return `code ${JSON.stringify(e.code)} for HTTP ${httpStatus}`;
  if (e.code >= 500) return `in-band ${e.code}`;
  if (typeof e.message !== 'string' || e.message === '') return 'no message';
  if (typeof e.status !== 'string' || !RPC_CODES.has(e.status)) return `status ${JSON.stringify(e.status)} is no google.rpc.Code`;
  if (e.details !== undefined && (!Array.isArray(e.details) || e.details.some((d) => typeof (d as { '@type'?: unknown })['@type'] !== 'string'))) return 'details without @type';
  return undefined;
}

/** What is wrong with this answer to `r`, or undefined: the assertions of the Done-when. */
function problemOf(r: HostileRequest, outcome: Outcome): string | undefined {
  if ('dropped' in outcome) return outcome.dropped;
  const { status, headers, body } = outcome.response;
  if (!(status >= 100 && status < 500)) return `HTTP ${status}: ${body.toString('utf8').slice(0, 300)}`;
  if (status < 400) return streamProblem(r, headers, body);
  if (r.method === 'HEAD') return undefined;
  if (!/^application\/json/.test(headers.get('content-type') ?? '')) return `HTTP ${status} with content-type ${headers.get('content-type')}: ${body.toString('utf8').slice(0, 200)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return `HTTP ${status}, body not JSON: ${body.toString('utf8').slice(0, 200)}`;
  }
  const p = envelopeProblem(parsed, status);
  return p && `HTTP ${status} ${p}: ${body.toString('utf8').slice(0, 300)}`;
}

/** A 200 stream: every SSE event or array element parses, and an in-band error is Google's envelope (as Google ends a stream that fails). */
function streamProblem(r: HostileRequest, headers: Map<string, string>, body: Buffer): string | undefined {
  const type = headers.get('content-type') ?? '';
  if (!r.path.includes(':streamGenerateContent') || r.method !== 'POST') return undefined;
  const text = body.toString('utf8');
  let items: unknown[];
  try {
    if (type.startsWith('text/event-stream')) {
      items = text.split('\r\n\r\n').filter((e) => e !== '').map((e) => {
        if (!e.startsWith('data: ')) throw new Error(`an event not "data: ": ${e.slice(0, 80)}`);
        return JSON.parse(e.slice(6));
      });
    } else {
      items = JSON.parse(text) as unknown[];
      if (!Array.isArray(items)) return 'a JSON stream that is not an array';
    }
  } catch (e) {
    return `stream does not parse: ${(e as Error).message}: ${text.slice(0, 200)}`;
  }
  for (const item of items) {
    if (item !== null && typeof item === 'object' && 'error' in item) {
      const p = envelopeProblem(item);
      if (p) return `in-band stream error ${p}: ${JSON.stringify(item).slice(0, 300)}`;
    }
  }
  return undefined;
}

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await run(items[next++]);
  }));
}

interface Target {
  port: number;
  ids: Record<string, string>;
  /** In-process servers only: the app, its engines (whose slots are checked) and its log lines. */
  inProcess?: {
    app: FastifyInstance;
    engine: SlottedFakeEngine;
    embedder: SlottedFakeEngine;
    /** Behind SLOW_MODEL: 20 ms a token, so a client can leave mid-generation. */
    slow: SlottedFakeEngine;
    logs: string[];
  };
}

const workDir = await mkdtemp(join(tmpdir(), 'gemserve-hostile-'));
after(() => rm(workDir, { recursive: true, force: true }));

async function listen(name: string, keyed: boolean): Promise<Target> {
  const engine = new SlottedFakeEngine();
  const embedder = new SlottedFakeEngine({ embeddingDimensions: 8 });
  const slow = new SlottedFakeEngine({ tokenDelayMs: 20 });
  const logs: string[] = [];
  const keyedDeps: Partial<AppDeps> = keyed
    ? {
      apiKeys: [KEY], keyStore: new MemoryKeyStore(), adminKey: ADMIN, usageStore: new MemoryUsageStore(), jwtSecret: 'hostile-jwt-secret-of-32-bytes!!',
      // The gateway's paths run too: limits high enough never to refuse, the response cache, a blocklist.
      limits: new RateLimiter({ defaults: { rpm: 1_000_000, tpm: 1_000_000_000 } }),
      responseCache: { cache: new MemoryResponseCache({ ttlMs: 60_000, maxEntries: 1_000, maxBytes: 1 << 24 }), policy: DEFAULT_RESPONSE_CACHE_POLICY },
      blocklist: parsePromptBlocklist('forbidden phrase\n/ignore (all|previous) instructions/i'),
    }
    : { apiKeys: [] };
  const app = await createApp({
    catalog: new ModelCatalog([{ id: HOSTILE_MODEL, engine }, { id: HOSTILE_EMBED_MODEL, engine: embedder }, { id: SLOW_MODEL, engine: slow }], { inputLimitFromEngine: true }),
    bodyLimitBytes: 1 << 20,
    // A body that stops short of its Content-Length is cut off after 1 s, not the default 20 s.
    timeouts: { bodyIdleMs: 1_000, minBodyBytesPerSecond: 0 },
    files: await openLocalFileService({ dataDir: join(workDir, name) }),
    batches: { store: new MemoryBatchStore() },
    cachedContents: { store: new MemoryCachedContentStore(), minTokens: 1 },
    metrics: new GatewayMetrics(),
    logger: { level: 'warn', stream: { write: (s: string) => logs.push(s) } },
    ...keyedDeps,
  } as AppDeps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return { port, inProcess: { app, engine, embedder, slow, logs }, ids: await makeResources(port, keyed) };
}

/** A real File, cache, batch and managed key, so the cases reach past "not found". */
async function makeResources(port: number, keyed: boolean): Promise<Record<string, string>> {
  const base = `http://127.0.0.1:${port}`;
  const headers = { 'x-goog-api-key': KEY, 'content-type': 'application/json' };
  const started = await fetch(`${base}/upload/v1beta/files`, {
    method: 'POST', body: '{"file":{"displayName":"seed"}}',
    headers: { ...headers, 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'x-goog-upload-header-content-length': '5', 'x-goog-upload-header-content-type': 'text/plain' },
  });
  assert.equal(started.status, 200, await started.text());
  const uploaded = await fetch(started.headers.get('x-goog-upload-url') as string, {
    method: 'POST', body: 'hello', headers: { 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
  });
  const file = ((await uploaded.json()) as { file: { name: string } }).file.name.replace('files/', '');
  const cache = await fetch(`${base}/v1beta/cachedContents`, { method: 'POST', headers, body: JSON.stringify({ model: `models/${HOSTILE_MODEL}`, contents: [{ role: 'user', parts: [{ text: 'cached words '.repeat(1_000) }] }], ttl: '3600s' }) });
  assert.equal(cache.status, 200, await cache.clone().text());
  const batch = await fetch(`${base}/v1beta/models/${HOSTILE_MODEL}:batchGenerateContent`, { method: 'POST', headers, body: JSON.stringify({ batch: { inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text: 'hi' }] }] } }] } } } }) });
  assert.equal(batch.status, 200, await batch.clone().text());
  const ids: Record<string, string> = {
    FILE: file,
    CACHE: ((await cache.json()) as { name: string }).name.replace('cachedContents/', ''),
    BATCH: ((await batch.json()) as { name: string }).name.replace('batches/', ''),
  };
  if (keyed) {
    const key = await fetch(`${base}/admin/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"name":"seed"}' });
    assert.equal(key.status, 200, await key.clone().text());
    ids.KEYID = ((await key.json()) as { key: { id: string } }).key.id;
  }
  return ids;
}

interface Tally { sent: number; byStatus: Map<number, number>; problems: string[] }

async function hammer(target: Target, cases: readonly HostileRequest[], tally: Tally): Promise<void> {
  const ctx = { host: `127.0.0.1:${target.port}`, key: KEY, adminKey: ADMIN, ids: target.ids };
  await pool(cases, CONCURRENCY, async (r) => {
    const outcome = await send(target.port, toBytes(r, ctx), r.method === 'HEAD');
    record(tally, r, outcome);
  });
}

function record(tally: Tally, r: HostileRequest, outcome: Outcome): void {
  tally.sent++;
  if ('response' in outcome) tally.byStatus.set(outcome.response.status, (tally.byStatus.get(outcome.response.status) ?? 0) + 1);
  const p = problemOf(r, outcome);
  if (p) tally.problems.push(`${r.name} (${r.method} ${r.path.slice(0, 80)}): ${p}`);
}

/** The upload flows, each step in order; `{UPLOAD}` is the session the flow's last successful start made, `{LASTFILE}` the File it finalized. */
async function uploadFlows(target: Target, tally: Tally): Promise<void> {
  await pool(hostileUploadFlows(), 4, async (flow) => {
    const ids = { ...target.ids };
    for (const step of flow.steps) {
      const outcome = await send(target.port, toBytes(step, { host: `127.0.0.1:${target.port}`, key: KEY, adminKey: ADMIN, ids }), false);
      record(tally, { ...step, name: `upload flow "${flow.name}", step ${step.name}` }, outcome);
      const url = 'response' in outcome ? outcome.response.headers.get('x-goog-upload-url') : undefined;
      if (url) ids.UPLOAD = new URL(url).searchParams.get('upload_id') ?? 'missing';
      if ('response' in outcome && outcome.response.headers.get('x-goog-upload-status') === 'final') {
        ids.LASTFILE = (JSON.parse(outcome.response.body.toString('utf8')) as { file: { name: string } }).file.name;
      }
    }
  });
}

/** After the storm: a normal request is served, no slot is held or queued, nothing was logged as a fault. */
async function assertStillWell(target: Target): Promise<void> {
  const base = `http://127.0.0.1:${target.port}`;
  const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
  assert.equal(health.status, 200);
  const res = await fetch(`${base}/v1beta/models/${HOSTILE_MODEL}:generateContent`, {
    method: 'POST', headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'still there?' }] }] }), signal: AbortSignal.timeout(5_000),
  });
  assert.equal(res.status, 200, await res.clone().text());
  assert.ok(((await res.json()) as { candidates: unknown[] }).candidates.length > 0);
  const p = target.inProcess;
  if (!p) return;
  // Streams cut off mid-way release their slots when the abort reaches them: give that a moment.
  const idle = (e: SlottedFakeEngine) => e.stats().busy === 0 && e.stats().queued === 0;
  for (let waited = 0; waited < 3_000 && !(idle(p.engine) && idle(p.embedder) && idle(p.slow)); waited += 50) await sleep(50);
  const held = (e: SlottedFakeEngine) => ({ busy: e.stats().busy, queued: e.stats().queued });
  assert.deepEqual(held(p.engine), { busy: 0, queued: 0 }, 'a generation slot is still held');
  assert.deepEqual(held(p.embedder), { busy: 0, queued: 0 }, 'an embedding slot is still held');
  assert.deepEqual(held(p.slow), { busy: 0, queued: 0 }, 'a slot of a generation the client left is still held');
  // The server runs in this process: a `__proto__` or `constructor.prototype` key that reached a merge would show here.
  const probe = {} as Record<string, unknown>;
  assert.deepEqual([probe.polluted, probe.isAdmin], [undefined, undefined], 'Object.prototype was polluted');
  const faults = p.logs.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
  assert.deepEqual(faults.map((l) => l.msg), [], 'faults logged at error level');
}

function summary(label: string, tally: Tally, ms: number): string {
  const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  return `${label}: ${tally.sent} hostile requests in ${ms} ms; ${statuses}`;
}

describe('hostile requests (abuse)', () => {
  const total: Tally = { sent: 0, byStatus: new Map(), problems: [] };
  let keyed: Target;
  let keyless: Target;
  before(async () => {
    keyed = await listen('keyed', true);
    keyless = await listen('keyless', false);
  });
  after(async () => {
    await keyed?.inProcess?.app.close();
    await keyless?.inProcess?.app.close();
  });

  for (const which of ['keyed', 'keyless'] as const) {
    it(`a server ${which === 'keyed' ? 'with keys, an admin key and JWTs' : 'without keys'}: no 5xx, every error Google's envelope, still serving, no slot held`, async (t) => {
      const target = which === 'keyed' ? keyed : keyless;
      const tally: Tally = { sent: 0, byStatus: new Map(), problems: [] };
      const started = Date.now();
      const cases = hostileRequests(SEED, target.port);
      // The valid requests first, one by one (before the storm deletes the resources they name): each must succeed.
      const baselines = cases.filter((r) => r.baseline && (which === 'keyed' || r.auth !== 'admin'));
      for (const r of baselines) {
        const outcome = await send(target.port, toBytes(r, { host: `127.0.0.1:${target.port}`, key: KEY, adminKey: ADMIN, ids: target.ids }), false);
        const status = 'response' in outcome ? outcome.response.status : 0;
        assert.ok(status >= 200 && status < 300, `${r.name}: ${status} ${'response' in outcome ? outcome.response.body.toString('utf8').slice(0, 300) : outcome.dropped}`);
      }
      await hammer(target, cases, tally);
      await uploadFlows(target, tally);
      t.diagnostic(summary(which, tally, Date.now() - started));
      for (const [s, n] of tally.byStatus) total.byStatus.set(s, (total.byStatus.get(s) ?? 0) + n);
      total.sent += tally.sent;
      assert.deepEqual(tally.problems, []);
      await assertStillWell(target);
    });
  }

  it('gemserve serve (the CLI\'s composition: SQLite stores, default settings) with keys and an admin key: the same', async (t) => {
    const child = await serveInChild(t, {
      args: ['--api-key', KEY, '--admin-key', ADMIN, '--body-idle-timeout', '1', '--body-min-rate', '0', '--cache', 'sqlite', '--log-level', 'error'],
      config: {
        engines: { demo: { kind: 'fake' }, embed: { kind: 'fake', embeddingDimensions: 8 }, slow: { kind: 'fake', tokenDelayMs: 20 } },
        models: { [HOSTILE_MODEL]: { engine: 'demo' }, [HOSTILE_EMBED_MODEL]: { engine: 'embed' }, [SLOW_MODEL]: { engine: 'slow' } },
      },
    });
    const target: Target = { port: child.port, ids: await makeResources(child.port, true) };
    const tally: Tally = { sent: 0, byStatus: new Map(), problems: [] };
    const started = Date.now();
    await hammer(target, hostileRequests(SEED, child.port), tally);
    await uploadFlows(target, tally);
    t.diagnostic(summary('gemserve serve', tally, Date.now() - started));
    for (const [s, n] of tally.byStatus) total.byStatus.set(s, (total.byStatus.get(s) ?? 0) + n);
    total.sent += tally.sent;
    const faults = child.output().split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 50);
    assert.deepEqual(tally.problems, [], faults.slice(0, 3).join('\n'));
    assert.deepEqual(faults, [], 'faults logged at error level');
    await assertStillWell(target);
    assert.equal(child.child.exitCode, null, child.output());
  });

  it('pipelined pairs on one connection (a valid request and a hostile one, in both orders): both answered, or the first closing', async (t) => {
    const rand = seededRandom(SEED + 1);
    const ctx = (keepAlive: boolean) => ({ host: `127.0.0.1:${keyed.port}`, key: KEY, adminKey: ADMIN, ids: keyed.ids, keepAlive });
    const valid: HostileRequest = { name: 'valid countTokens', method: 'POST', path: `/v1beta/models/${HOSTILE_MODEL}:countTokens`, auth: 'key',
      headers: [['content-type', 'application/json']], body: Buffer.from('{"contents":[{"parts":[{"text":"hi"}]}]}') };
    const hostile = hostileRequests(SEED, keyed.port).filter((r) => r.method !== '' && r.method !== 'HEAD' && !r.headers.some(([k]) => k.toLowerCase() === 'connection'));
    const pairs = Array.from({ length: 200 }, (_, i) => ({ i, r: hostile[Math.floor(rand() * hostile.length)] }));
    const tally: Tally = { sent: 0, byStatus: new Map(), problems: [] };
    await pool(pairs, CONCURRENCY, async ({ i, r }) => {
      const [a, b] = i % 2 ? [valid, r] : [r, valid];
      const [first, second] = await sendPipelined(keyed.port, toBytes(a, ctx(true)), toBytes(b, ctx(false)), [false, false]);
      record(tally, { ...a, name: `pipelined first: ${a.name}` }, first);
      if (second) record(tally, { ...b, name: `pipelined second: ${b.name}` }, second);
    });
    total.sent += tally.sent;
    for (const [s, n] of tally.byStatus) total.byStatus.set(s, (total.byStatus.get(s) ?? 0) + n);
    t.diagnostic(summary('pipelined', tally, 0).replace(' in 0 ms', ''));
    assert.deepEqual(tally.problems, []);
    await assertStillWell(keyed);
  });

  it('generations and streams the client leaves midway (300, 32 at once on 2 slots) release their slots', async (t) => {
    const rand = seededRandom(SEED);
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'tell me a long story' }] }], generationConfig: { maxOutputTokens: 50 } });
    const paths = [`/v1beta/models/${SLOW_MODEL}:streamGenerateContent?alt=sse`, `/v1beta/models/${SLOW_MODEL}:streamGenerateContent`, `/v1beta/models/${SLOW_MODEL}:generateContent`];
    let left = 0;
    await pool(Array.from({ length: 300 }, (_, i) => i), 32, async (i) => {
      const socket = connect(keyed.port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      socket.write(`POST ${paths[i % 3]} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      // Leave at a seeded moment: before the first byte, after it, or mid-stream.
      const wait = Math.floor(rand() * 120);
      if (i % 2 === 0) await Promise.race([once(socket, 'data'), sleep(1_000)]);
      await sleep(wait);
      socket.destroy();
      left++;
    });
    total.sent += left;
    t.diagnostic(`${left} requests left midway`);
    await assertStillWell(keyed);
  });

  it('sent at least 2,000 hostile requests in all', (t) => {
    t.diagnostic(summary('in all', total, 0).replace(' in 0 ms', ''));
    assert.ok(total.sent >= 2_000, `only ${total.sent}`);
    assert.ok(total.byStatus.has(200) && total.byStatus.has(400) && total.byStatus.has(404), 'the cases reach handlers, not only the router');
  });
});
