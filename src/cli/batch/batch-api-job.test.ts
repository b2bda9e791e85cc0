/**
 * The Batch API shapes against what `@google/genai` (a devDependency, for this test only) sends
 * and reads: the body its `batches.create` posts, and the BatchJob its converters make of an
 * Operation, so both sides of gemserve's wire agree with Google's SDK.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleGenAI } from '@google/genai';
import type { GenerateContentRequest } from '../../api/gemini/types.js';
import { buildBatchJobBody, matchResponses, parseBatchOperation } from './batch-api-job.js';

const answer = (text: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 }, modelVersion: 'gemini-2.5-flash', responseId: 'r1',
});

/** An Operation as Google returns it when the job has finished (ai.google.dev/api/batch-api; read by `batchJobFromMldev`). */
const finished = {
  name: 'batches/abc123',
  metadata: {
    '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
    name: 'batches/abc123', displayName: 'gemserve batch', model: 'models/gemini-2.5-flash',
    state: 'BATCH_STATE_SUCCEEDED', createTime: '2026-11-22T05:00:00Z', endTime: '2026-11-22T05:01:00Z',
    batchStats: { requestCount: '3', successfulRequestCount: '2', failedRequestCount: '1', pendingRequestCount: '0' },
    output: {
      inlinedResponses: {
        inlinedResponses: [
          { response: answer('red'), metadata: { key: 'a.png' } },
          { error: { code: 400, message: 'Unsupported MIME type', status: 'INVALID_ARGUMENT' }, metadata: { key: 'b.png' } },
          { response: answer('blue'), metadata: { key: 'c.png' } },
        ],
      },
    },
  },
  done: true,
};

/** Captures what the SDK sends and answers with `reply`. */
function sdkAgainst(reply: unknown) {
  const sent: Array<{ url: string; body: unknown }> = [];
  const fetchImpl = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), body: init?.body ? JSON.parse(String(init.body)) : undefined });
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://gemini.test' } });
  return { ai, sent, fetchImpl };
}

async function withFetch<T>(fetchImpl: typeof fetch, fn: () => Promise<T>): Promise<T> {
  const saved = globalThis.fetch;
  globalThis.fetch = fetchImpl;
  try {
    return await fn();
  } finally {
    globalThis.fetch = saved;
  }
}

test('the job body is the one @google/genai posts for inlined requests', async () => {
  const request: GenerateContentRequest = { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { text: 'Describe.' }] }], generationConfig: { maxOutputTokens: 50 } };
  const { ai, sent, fetchImpl } = sdkAgainst({ name: 'batches/x', metadata: { name: 'batches/x', state: 'BATCH_STATE_PENDING' } });
  await withFetch(fetchImpl as typeof fetch, () => ai.batches.create({
    model: 'gemini-2.5-flash',
    src: [{ contents: request.contents as never, config: { maxOutputTokens: 50 }, metadata: { key: 'a.png' } }],
    config: { displayName: 'gemserve batch' },
  }));
  assert.equal(sent[0].url, 'http://gemini.test/v1beta/models/gemini-2.5-flash:batchGenerateContent');
  assert.deepEqual(buildBatchJobBody([{ key: 'a.png', request }], 'gemserve batch'), sent[0].body);
});

test('a finished Operation: state, int64 stats as numbers, answers and errors by key (what the SDK reads too)', async () => {
  const status = parseBatchOperation(finished);
  assert.deepEqual({ ...status, responses: undefined }, {
    name: 'batches/abc123', state: 'BATCH_STATE_SUCCEEDED', done: true,
    stats: { requests: 3, succeeded: 2, failed: 1, pending: 0 }, responses: undefined,
  });
  assert.deepEqual(status.responses!.map((r) => [r.key, r.response?.candidates?.[0].content.parts[0].text ?? r.error?.message]),
    [['a.png', 'red'], ['b.png', 'Unsupported MIME type'], ['c.png', 'blue']]);

  const { ai, sent, fetchImpl } = sdkAgainst(finished);
  const job = await withFetch(fetchImpl as typeof fetch, () => ai.batches.get({ name: 'batches/abc123' }));
  assert.equal(sent[0].url, 'http://gemini.test/v1beta/batches/abc123');
  assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
  assert.deepEqual(job.dest?.inlinedResponses?.map((r) => r.metadata?.key), status.responses!.map((r) => r.key));
});

test('a running job: stats so far, no answers; the output may also come in the Operation\'s response', () => {
  const running = parseBatchOperation({
    name: 'batches/r', metadata: { state: 'BATCH_STATE_RUNNING', batchStats: { requestCount: '10', successfulRequestCount: '4', pendingRequestCount: '6' } },
  });
  assert.deepEqual(running, { name: 'batches/r', state: 'BATCH_STATE_RUNNING', done: false, stats: { requests: 10, succeeded: 4, failed: 0, pending: 6 } });
  const viaResponse = parseBatchOperation({
    name: 'batches/r', done: true, metadata: { state: 'BATCH_STATE_SUCCEEDED' },
    response: { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput', inlinedResponses: { inlinedResponses: [{ response: answer('x') }] } },
  });
  assert.equal(viaResponse.responses?.length, 1);
  assert.throws(() => parseBatchOperation({ error: { code: 404 } }), /not a batch operation/);
});

test('answers match by key, else by position', () => {
  const keys = ['a', 'b', 'c'];
  const byKey = matchResponses(keys, [{ key: 'c', response: answer('3') as never }, { key: 'a', response: answer('1') as never }]);
  assert.deepEqual([...byKey.keys()].sort(), ['a', 'c']);
  const byPosition = matchResponses(keys, [{ response: answer('1') as never }, { error: { code: 500, message: 'x', status: 'INTERNAL' } }]);
  assert.deepEqual([...byPosition.keys()], ['a', 'b']);
});
