/**
 * The Batch API through `@google/genai` (`batches.create`, `get`, `list`, `cancel`, `delete`,
 * `createEmbeddings`) against the real server on the fake engine: inline requests with results
 * inline, a JSONL File in and a JSONL File out, per-request errors beside successes, batchStats
 * (raw HTTP: the JS SDK drops them), ownership per key, and the usage ledger billing each batch
 * request once at 50%. The crash test (kill -9 mid-batch) is batch-crash.contract.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchJob, GoogleGenAI } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { computeCostMicros } from '../../src/gateway/usage/compute-cost.js';
import { MemoryUsageStore } from '../../src/gateway/usage/memory-usage-store.js';
import { PriceTable } from '../../src/gateway/usage/price-table.js';
import { createUsageRecorder } from '../../src/gateway/usage/usage-recorder.js';
import { MemoryBatchStore } from '../../src/storage/batches/memory-batch-store.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, sdkError } from './helpers/clients.js';

const KEY_A = 'key-alice';
const KEY_B = 'key-bob';
const FINAL = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);

const workDir = await mkdtemp(join(tmpdir(), 'gemserve-batches-contract-'));
after(() => rm(workDir, { recursive: true, force: true }));

let server: TestServer;
let ai: GoogleGenAI;
let bob: GoogleGenAI;
const usage = new MemoryUsageStore();
const store = new MemoryBatchStore();

before(async () => {
  const files = await openLocalFileService({ dataDir: join(workDir, 'data') });
  server = await startServer({
    bindings: [
      { id: 'gemini-2.0-flash', engine: new FakeEngine() },
      // Slow enough that a batch is still running when the test cancels it.
      { id: 'gemini-2.5-flash', engine: new FakeEngine({ tokenDelayMs: 20 }) },
      { id: 'gemini-embedding-001', engine: new FakeEngine({ embeddingDimensions: 8 }) },
    ],
    apiKeys: [KEY_A, KEY_B],
    files,
    usageSinks: [createUsageRecorder(usage, new PriceTable())],
    batches: { store, concurrency: 2 },
  });
  ai = genai(server.baseUrl, { apiKey: KEY_A });
  bob = genai(server.baseUrl, { apiKey: KEY_B });
});
after(() => server.close());

async function waitDone(client: GoogleGenAI, name: string, timeoutMs = 30_000): Promise<BatchJob> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.batches.get({ name });
    if (FINAL.has(String(job.state))) return job;
    if (Date.now() > until) throw new Error(`batch ${name} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The raw Operation, for what the SDK drops (batchStats, done, response). */
async function rawGet(name: string, key = KEY_A): Promise<Record<string, any>> {
  const res = await fetch(`${server.baseUrl}/v1beta/${name}`, { headers: { 'x-goog-api-key': key } });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

const textOf = (r: any) => r?.candidates?.[0]?.content?.parts?.map((p: any) => p.text ?? '').join('');

describe('inline batches', () => {
  it('runs a batch of 200 to SUCCEEDED: results in order with their metadata, each what generateContent answers; batchStats', async () => {
    const src = Array.from({ length: 200 }, (_, i) => ({
      contents: [{ role: 'user', parts: [{ text: `question number ${i}` }] }],
      config: { maxOutputTokens: 12 },
      metadata: { key: `req-${i}` },
    }));
    const created = await ai.batches.create({ model: 'gemini-2.0-flash', src, config: { displayName: 'two hundred' } });
    assert.match(created.name ?? '', /^batches\/[a-z0-9]+$/);
    assert.equal(created.displayName, 'two hundred');
    assert.equal(created.model, 'models/gemini-2.0-flash');
    assert.ok(['JOB_STATE_PENDING', 'JOB_STATE_RUNNING'].includes(String(created.state)));
    const job = await waitDone(ai, created.name as string);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    assert.ok(job.createTime && job.updateTime && job.endTime);
    const results = job.dest?.inlinedResponses ?? [];
    assert.equal(results.length, 200);
    for (let i = 0; i < 200; i++) {
      assert.deepEqual(results[i].metadata, { key: `req-${i}` });
      assert.equal(results[i].error, undefined);
      const direct = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: src[i].contents, config: src[i].config });
      assert.equal(textOf(results[i].response), direct.text, `result ${i}`);
    }
    const raw = await rawGet(created.name as string);
    assert.deepEqual(raw.metadata.batchStats, { requestCount: '200', successfulRequestCount: '200' });
    assert.equal(raw.metadata.state, 'BATCH_STATE_SUCCEEDED');
    assert.equal(raw.metadata['@type'], 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch');
    assert.equal(raw.done, true);
    assert.equal(raw.response.inlinedResponses.inlinedResponses.length, 200);

    // The ledger: one batch record per request, under its fixed id, at half the interactive price.
    const id = (created.name as string).slice('batches/'.length);
    const records = usage.list().filter((e) => e.batch);
    assert.equal(records.length, 200);
    assert.deepEqual(new Set(records.map((e) => e.id)), new Set(src.map((_, i) => `batch-${id}-${i}`)));
    const prices = new PriceTable();
    for (const e of records) {
      const full = computeCostMicros({ ...e, batch: false }, prices.priceOf(e.model));
      assert.ok(full > 0);
      assert.equal(e.costMicros, computeCostMicros(e, prices.priceOf(e.model)));
      assert.ok(Math.abs(e.costMicros - full / 2) <= 1, `${e.costMicros} is half of ${full}`);
    }
  });

  it('a bad request fails alone: its error (gRPC code) beside the others\' responses', async () => {
    const created = await ai.batches.create({
      model: 'gemini-2.0-flash',
      src: [
        { contents: [{ role: 'user', parts: [{ text: 'first' }] }], metadata: { key: 'a' } },
        { contents: [{ role: 'user', parts: [{ text: 'second' }] }], config: { temperature: 7 }, metadata: { key: 'b' } },
        { contents: [{ role: 'user', parts: [{ text: 'third' }] }], metadata: { key: 'c' } },
      ],
    });
    const job = await waitDone(ai, created.name as string);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    const [a, b, c] = job.dest?.inlinedResponses ?? [];
    assert.ok(textOf(a.response));
    assert.ok(textOf(c.response));
    assert.equal(b.response, undefined);
    assert.equal(b.error?.code, 3, JSON.stringify(b.error));
    assert.match(String(b.error?.message), /temperature/);
    assert.deepEqual([a.metadata, b.metadata, c.metadata], [{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
    const raw = await rawGet(created.name as string);
    assert.deepEqual(raw.metadata.batchStats, { requestCount: '3', successfulRequestCount: '2', failedRequestCount: '1' });
  });

  it('refuses malformed batches with Google\'s 400 and unknown files with the Files 403', async () => {
    const post = (body: unknown) => fetch(`${server.baseUrl}/v1beta/models/gemini-2.0-flash:batchGenerateContent`, {
      method: 'POST', headers: { 'x-goog-api-key': KEY_A, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    for (const body of [{}, { batch: { inputConfig: {} } }, { batch: { inputConfig: { requests: { requests: [] } } } },
      { batch: { inputConfig: { requests: { requests: [{ metadata: {} }] } } } }]) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as any).error.status, 'INVALID_ARGUMENT');
    }
    await sdkError(ai.batches.create({ model: 'gemini-2.0-flash', src: 'files/doesnotexist1' }), 403, 'PERMISSION_DENIED');
    // Embedding models have no batchGenerateContent (Google lists asyncBatchEmbedContent instead).
    await sdkError(ai.batches.create({ model: 'gemini-embedding-001', src: [{ contents: 'x' }] }), 404, 'NOT_FOUND');
  });
});

describe('file batches', () => {
  it('reads a JSONL File and writes a JSONL File the owner downloads: keys, responses and errors in input order', async () => {
    const lines = [
      { key: 'k-one', request: { contents: [{ parts: [{ text: 'one' }] }] } },
      { key: 'k-bad', request: { contents: [{ parts: [{ text: 'two' }] }], generation_config: { temperature: 9 } } },
      { key: 'k-three', request: { contents: [{ parts: [{ text: 'three' }] }] } },
    ];
    const input = await ai.files.upload({
      file: new Blob([lines.map((l) => JSON.stringify(l)).join('\n')], { type: 'application/jsonl' }),
      config: { mimeType: 'application/jsonl' },
    });
    const created = await ai.batches.create({ model: 'gemini-2.0-flash', src: input.name as string, config: { displayName: 'from file' } });
    const job = await waitDone(ai, created.name as string);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    const fileName = job.dest?.fileName as string;
    assert.match(fileName, /^files\/batch-[a-z0-9]+$/);
    const path = join(workDir, 'results.jsonl');
    await ai.files.download({ file: fileName, downloadPath: path });
    const out = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(out.map((l) => l.key), ['k-one', 'k-bad', 'k-three']);
    assert.ok(textOf(out[0].response));
    assert.equal(out[1].error.code, 3);
    assert.ok(textOf(out[2].response));
    const raw = await rawGet(created.name as string);
    assert.deepEqual(raw.metadata.inputConfig, { fileName: input.name });
    assert.equal(raw.response.responsesFile, fileName);
    // Bob cannot read Alice's results, nor batch her input.
    await sdkError(bob.files.get({ name: fileName }), 403, 'PERMISSION_DENIED');
    await sdkError(bob.batches.create({ model: 'gemini-2.0-flash', src: input.name as string }), 403, 'PERMISSION_DENIED');
  });

  it('a cancelled file batch still writes what finished to its output File', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ key: `c${i}`, request: { contents: [{ parts: [{ text: `slow file ${i}` }] }] } }));
    const input = await ai.files.upload({ file: new Blob([lines.join('\n')], { type: 'application/jsonl' }), config: { mimeType: 'application/jsonl' } });
    const created = await ai.batches.create({ model: 'gemini-2.5-flash', src: input.name as string });
    const name = created.name as string;
    for (let n = 0; n < 400; n++) {
      if (Number((await rawGet(name)).metadata.batchStats.successfulRequestCount ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await ai.batches.cancel({ name });
    const job = await ai.batches.get({ name });
    assert.equal(job.state, 'JOB_STATE_CANCELLED');
    const path = join(workDir, 'cancelled.jsonl');
    await ai.files.download({ file: job.dest?.fileName as string, downloadPath: path });
    const out = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(out.length >= 2 && out.length < 40, `${out.length} lines`);
    // In input order (a request still in flight at the cancel may leave a gap).
    const indexes = out.map((l) => Number(/^c(\d+)$/.exec(l.key)?.[1]));
    assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b));
    for (const l of out) assert.ok(textOf(l.response));
  });

  it('refuses a File with a bad line, naming the line', async () => {
    const input = await ai.files.upload({
      file: new Blob(['{"key":"a","request":{"contents":[]}}\nnot json\n'], { type: 'application/jsonl' }),
      config: { mimeType: 'application/jsonl' },
    });
    const { body } = await sdkError(ai.batches.create({ model: 'gemini-2.0-flash', src: input.name as string }), 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /line 2/);
  });
});

describe('get, list, cancel and delete', () => {
  it('cancels a running batch: pending requests never run, finished results are kept; then deletes it', async () => {
    const src = Array.from({ length: 60 }, (_, i) => ({ contents: `slow ${i}`, metadata: { key: String(i) } }));
    const created = await ai.batches.create({ model: 'gemini-2.5-flash', src });
    const name = created.name as string;
    for (let n = 0; n < 400; n++) {
      const raw = await rawGet(name);
      if (Number(raw.metadata.batchStats.successfulRequestCount ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await ai.batches.cancel({ name });
    const job = await waitDone(ai, name);
    assert.equal(job.state, 'JOB_STATE_CANCELLED');
    // The requests in flight at the cancel finish (and are kept); nothing else runs.
    const id = name.slice('batches/'.length);
    while ((await store.items(id)).some((i) => i.state === 'running')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const raw = await rawGet(name);
    const done = Number(raw.metadata.batchStats.successfulRequestCount);
    assert.ok(done >= 2 && done < 60, `finished ${done}`);
    assert.equal(Number(raw.metadata.batchStats.pendingRequestCount) + done, 60, JSON.stringify(raw.metadata.batchStats));
    const kept = (await ai.batches.get({ name })).dest?.inlinedResponses ?? [];
    assert.equal(kept.length, done);
    for (const r of kept) assert.ok(textOf(r.response));
    // Cancelling what is over changes nothing.
    await ai.batches.cancel({ name });
    assert.equal((await ai.batches.get({ name })).state, 'JOB_STATE_CANCELLED');

    await ai.batches.delete({ name });
    await sdkError(ai.batches.get({ name }), 404, 'NOT_FOUND');
  });

  it('lists only the caller\'s batches, newest first, page by page; another key gets not-found', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await ai.batches.create({ model: 'gemini-2.0-flash', src: [{ contents: `list ${i}` }], config: { displayName: `list-${i}` } });
      made.push(job.name as string);
    }
    const names: string[] = [];
    const pager = await ai.batches.list({ config: { pageSize: 2 } });
    for await (const job of pager) names.push(job.name as string);
    const mine = names.filter((n) => made.includes(n));
    assert.deepEqual(mine, [...made].reverse());
    assert.equal(new Set(names).size, names.length, 'no job twice');

    const bobs: string[] = [];
    for await (const job of await bob.batches.list()) bobs.push(job.name as string);
    assert.equal(bobs.some((n) => made.includes(n)), false);
    await sdkError(bob.batches.get({ name: made[0] }), 404, 'NOT_FOUND');
    await sdkError(bob.batches.cancel({ name: made[0] }), 404, 'NOT_FOUND');
    await sdkError(bob.batches.delete({ name: made[0] }), 404, 'NOT_FOUND');
    await sdkError(ai.batches.get({ name: 'batches/doesnotexist' }), 404, 'NOT_FOUND');
    assert.ok((await ai.batches.get({ name: made[0] })).name);
  });
});

describe('asyncBatchEmbedContent', () => {
  it('embeds a batch of texts through createEmbeddings: one embedding per text, in order', async () => {
    const created = await ai.batches.createEmbeddings({
      model: 'gemini-embedding-001',
      src: { inlinedRequests: { contents: ['alpha', 'beta', 'gamma'], config: { outputDimensionality: 4 } } },
    });
    const raw0 = await rawGet(created.name as string);
    assert.equal(raw0.metadata['@type'], 'type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch');
    const job = await waitDone(ai, created.name as string);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    const results = job.dest?.inlinedEmbedContentResponses ?? [];
    assert.equal(results.length, 3);
    for (const r of results) assert.equal((r as any).response.embedding.values.length, 4);
    const direct = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'beta', config: { outputDimensionality: 4 } });
    assert.deepEqual((results[1] as any).response.embedding.values, direct.embeddings?.[0].values);
  });

  it('embeds a JSONL File (the SDK sends file_name) into a JSONL output File', async () => {
    const lines = ['one', 'two'].map((t) => JSON.stringify({ key: t, request: { content: { parts: [{ text: t }] } } }));
    const input = await ai.files.upload({ file: new Blob([lines.join('\n')], { type: 'application/jsonl' }), config: { mimeType: 'application/jsonl' } });
    const created = await ai.batches.createEmbeddings({ model: 'gemini-embedding-001', src: { fileName: input.name as string } });
    const job = await waitDone(ai, created.name as string);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    const path = join(workDir, 'embeddings.jsonl');
    await ai.files.download({ file: job.dest?.fileName as string, downloadPath: path });
    const out = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(out.map((l) => [l.key, l.response.embedding.values.length]), [['one', 8], ['two', 8]]);
  });
});
