import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchInput } from './batch-input.js';
import { runBatchApiJob, type BatchApiClient } from './run-batch-api-job.js';
import type { CallResult } from './call-gemini.js';
import { PriceTable } from '../../gateway/usage/price-table.js';

const input = (key: string, refused?: string): BatchInput => ({
  key, file: key, prompt: 'Describe.', ...(refused ? { refused } : {}),
  load: async () => ({ contents: [{ role: 'user', parts: [{ text: key }] }] }),
});
const answer = (text: string) => ({
  candidates: [{ index: 0, content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 1_000_000, candidatesTokenCount: 0, totalTokenCount: 1_000_000 }, modelVersion: 'm', responseId: 'r',
});
const op = (state: string, stats: Record<string, string>, inlined?: unknown[]) => ({
  name: 'batches/j1',
  metadata: { name: 'batches/j1', state, batchStats: stats, ...(inlined ? { output: { inlinedResponses: { inlinedResponses: inlined } } } : {}) },
});
const ok = (body: unknown): CallResult<unknown> => ({ ok: true, body, attempts: 1 });

function scriptedClient(polls: unknown[]) {
  const calls: string[] = [];
  let created: unknown;
  const client: BatchApiClient = {
    create: async (body) => { calls.push('create'); created = body; return ok(op('BATCH_STATE_PENDING', { requestCount: '2', pendingRequestCount: '2' })); },
    get: async (name) => { calls.push(`get ${name}`); return ok(polls.shift()); },
    cancel: async (name) => { calls.push(`cancel ${name}`); return ok({}); },
  };
  return { client, calls, created: () => created };
}

test('submits the sendable inputs as one job, polls to the end, results by key at half price', async () => {
  const { client, calls, created } = scriptedClient([
    op('BATCH_STATE_RUNNING', { requestCount: '2', successfulRequestCount: '1', pendingRequestCount: '1' }),
    op('BATCH_STATE_SUCCEEDED', { requestCount: '2', successfulRequestCount: '1', failedRequestCount: '1' }, [
      { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'bad image' }, metadata: { key: 'c.png' } },
      { response: answer('red'), metadata: { key: 'a.png' } },
    ]),
  ]);
  const progress: string[] = [];
  const out = await runBatchApiJob({
    inputs: [input('a.png'), input('b.png', 'not an image'), input('c.png')],
    client, price: new PriceTable().priceOf('gemini-2.5-flash'), interrupt: new AbortController().signal,
    displayName: 'test', sleep: async () => {}, onProgress: (c) => progress.push(`${c.done}/${c.total}:${c.failed}`),
  });
  assert.deepEqual(calls, ['create', 'get batches/j1', 'get batches/j1']);
  const sent = (created() as { batch: { inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } } }).batch.inputConfig.requests.requests;
  assert.deepEqual(sent.map((r) => r.metadata.key), ['a.png', 'c.png']);
  assert.deepEqual(out.results.map((r) => [r.key, r.ok, r.text ?? r.error?.message]),
    [['a.png', true, 'red'], ['b.png', false, 'not an image'], ['c.png', false, 'bad image']]);
  assert.equal(out.results[0].costUsd, 0.15); // 1M prompt tokens at $0.30, halved
  assert.equal(out.results[0].latencyMs, undefined);
  assert.equal(out.interrupted, false);
  assert.equal(out.state, 'BATCH_STATE_SUCCEEDED');
  assert.deepEqual(progress, ['1/3:1', '1/3:1', '2/3:1', '3/3:2']);
});

test('Ctrl-C cancels the job and keeps what it answered; the rest is not run', async () => {
  const stop = new AbortController();
  const { client, calls } = scriptedClient([
    op('BATCH_STATE_RUNNING', { requestCount: '2', successfulRequestCount: '0', pendingRequestCount: '2' }),
    op('BATCH_STATE_CANCELLED', { requestCount: '2', successfulRequestCount: '1' }, [{ response: answer('red'), metadata: { key: 'a.png' } }]),
  ]);
  const out = await runBatchApiJob({
    inputs: [input('a.png'), input('c.png')], client, price: undefined, interrupt: stop.signal, displayName: 't',
    sleep: async () => { stop.abort(); },
  });
  assert.deepEqual(calls, ['create', 'get batches/j1', 'cancel batches/j1', 'get batches/j1']);
  assert.equal(out.interrupted, true);
  assert.deepEqual(out.results.map((r) => r.key), ['a.png']);
});

test('a job that cannot be created fails every request with the reason', async () => {
  const client: BatchApiClient = {
    create: async () => ({ ok: false, attempts: 1, error: { httpStatus: 404, status: 'NOT_FOUND', message: 'no such method' } }),
    get: async () => assert.fail(), cancel: async () => assert.fail(),
  };
  const out = await runBatchApiJob({ inputs: [input('a.png')], client, price: undefined, interrupt: new AbortController().signal, displayName: 't' });
  assert.deepEqual(out.results.map((r) => r.error), [{ httpStatus: 404, status: 'NOT_FOUND', message: 'the batch job was not created: no such method' }]);
});

test('a job that ends FAILED without answers fails its requests with the state', async () => {
  const { client } = scriptedClient([{ ...op('BATCH_STATE_FAILED', {}), error: { code: 500, message: 'engine crashed', status: 'INTERNAL' } }]);
  const out = await runBatchApiJob({ inputs: [input('a.png')], client, price: undefined, interrupt: new AbortController().signal, displayName: 't', sleep: async () => {} });
  assert.equal(out.results[0].error?.message, 'no answer: the job ended BATCH_STATE_FAILED: engine crashed');
});

test('polling survives a passing 503, gives up on a 404, and a 200 that is no Operation is an error, not a crash', async () => {
  const answers: CallResult<unknown>[] = [
    { ok: false, attempts: 5, error: { httpStatus: 503, status: 'UNAVAILABLE', message: 'overloaded' } },
    { ok: false, attempts: 1, error: { httpStatus: 404, status: 'NOT_FOUND', message: 'no such batch' } },
  ];
  const client: BatchApiClient = {
    create: async () => ok(op('BATCH_STATE_PENDING', {})),
    get: async () => answers.shift()!,
    cancel: async () => assert.fail(),
  };
  const lost = await runBatchApiJob({ inputs: [input('a.png')], client, price: undefined, interrupt: new AbortController().signal, displayName: 't', sleep: async () => {} });
  assert.equal(lost.results[0].error?.message, 'lost track of batches/j1: no such batch');
  assert.equal(answers.length, 0);

  const odd: BatchApiClient = { create: async () => ok({ hello: 'world' }), get: async () => assert.fail(), cancel: async () => assert.fail() };
  const out = await runBatchApiJob({ inputs: [input('a.png')], client: odd, price: undefined, interrupt: new AbortController().signal, displayName: 't' });
  assert.match(out.results[0].error?.message ?? '', /^the batch job was not created: not a batch operation/);
});
