import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchItem, BatchJob } from '../storage/batches/batch-record.js';
import { toBatchOperation } from './convert-to-batch-operation.js';

const job = (over: Partial<BatchJob> = {}): BatchJob => ({
  id: 'abc123', owner: 'o', caller: {}, model: 'gemini-2.0-flash', kind: 'generate', displayName: 'd', state: 'pending',
  createTime: Date.UTC(2026, 0, 1), updateTime: Date.UTC(2026, 0, 1, 0, 1), input: { kind: 'inline' }, ...over,
});
const item = (index: number, over: Partial<BatchItem>): BatchItem => ({ jobId: 'abc123', index, request: {}, state: 'pending', ...over });

test('a pending job: the batch in metadata, counts as strings without zeros, not done', () => {
  const op = toBatchOperation(job(), { total: 3, succeeded: 0, failed: 0, pending: 3 }, undefined);
  assert.deepEqual(op, {
    name: 'batches/abc123',
    metadata: {
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
      model: 'models/gemini-2.0-flash', displayName: 'd',
      createTime: '2026-01-01T00:00:00.000Z', updateTime: '2026-01-01T00:01:00.000Z',
      batchStats: { requestCount: '3', pendingRequestCount: '3' }, state: 'BATCH_STATE_PENDING', name: 'batches/abc123',
    },
  });
});

test('a succeeded inline job: results in order with metadata, errors beside responses, in metadata.output and response', () => {
  const items = [
    item(0, { state: 'done', response: { candidates: [] }, metadata: { key: 'a' } }),
    item(1, { state: 'failed', error: { code: 3, message: 'bad' }, metadata: { key: 'b' } }),
  ];
  const op = toBatchOperation(job({ state: 'succeeded', endTime: Date.UTC(2026, 0, 2) }), { total: 2, succeeded: 1, failed: 1, pending: 0 }, items);
  const output = { inlinedResponses: { inlinedResponses: [
    { response: { candidates: [] }, metadata: { key: 'a' } }, { error: { code: 3, message: 'bad' }, metadata: { key: 'b' } },
  ] } };
  assert.deepEqual(op.metadata.output, output);
  assert.equal(op.metadata.endTime, '2026-01-02T00:00:00.000Z');
  assert.deepEqual(op.metadata.batchStats, { requestCount: '2', successfulRequestCount: '1', failedRequestCount: '1' });
  assert.equal(op.done, true);
  assert.deepEqual(op.response, { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput', ...output });
});

test('file jobs report their input File and their output File; failed jobs an error; cancelled ones what finished', () => {
  const file = toBatchOperation(job({ kind: 'embed', state: 'succeeded', input: { kind: 'file', fileName: 'files/in' }, responsesFile: 'files/batch-abc123' }),
    { total: 1, succeeded: 1, failed: 0, pending: 0 }, []);
  assert.deepEqual(file.metadata.inputConfig, { fileName: 'files/in' });
  assert.deepEqual(file.metadata.output, { responsesFile: 'files/batch-abc123' });
  assert.equal(file.metadata['@type'], 'type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch');
  const failed = toBatchOperation(job({ state: 'failed', error: { status: 'INTERNAL', message: 'boom' } }), { total: 1, succeeded: 0, failed: 0, pending: 1 }, []);
  assert.deepEqual([failed.done, failed.error, failed.response], [true, { code: 13, message: 'boom' }, undefined]);
  const cancelled = toBatchOperation(job({ state: 'cancelled' }), { total: 2, succeeded: 1, failed: 0, pending: 1 },
    [item(0, { state: 'pending', metadata: { k: 0 } }), item(1, { state: 'done', response: {}, metadata: { k: 1 } })]);
  assert.equal(cancelled.metadata.state, 'BATCH_STATE_CANCELLED');
  assert.deepEqual(cancelled.metadata.output, { inlinedResponses: { inlinedResponses: [{ response: {}, metadata: { k: 1 } }] } });
  assert.deepEqual([cancelled.done, cancelled.error, cancelled.response], [true, { code: 1, message: 'The batch was cancelled.' }, undefined]);
});

test('an expired job: BATCH_STATE_EXPIRED, done, its stored error (DEADLINE_EXCEEDED, code 4), what finished kept, no response', () => {
  const error = { status: 'DEADLINE_EXCEEDED', message: 'The batch expired: it was pending or running for more than 48 hours.' };
  const ended = Date.UTC(2026, 0, 3, 0, 0, 1);
  const op = toBatchOperation(job({ state: 'expired', endTime: ended, updateTime: ended, error }), { total: 2, succeeded: 1, failed: 0, pending: 1 },
    [item(0, { state: 'done', response: { candidates: [] }, metadata: { k: 0 } }), item(1, { state: 'pending', metadata: { k: 1 } })]);
  assert.equal(op.metadata.state, 'BATCH_STATE_EXPIRED');
  assert.equal(op.metadata.endTime, '2026-01-03T00:00:01.000Z');
  assert.deepEqual(op.metadata.batchStats, { requestCount: '2', successfulRequestCount: '1', pendingRequestCount: '1' });
  assert.deepEqual(op.metadata.output, { inlinedResponses: { inlinedResponses: [{ response: { candidates: [] }, metadata: { k: 0 } }] } });
  assert.deepEqual([op.done, op.error, op.response], [true, { code: 4, message: error.message }, undefined]);
  const file = toBatchOperation(job({ state: 'expired', input: { kind: 'file', fileName: 'files/in' }, responsesFile: 'files/batch-abc123' }),
    { total: 1, succeeded: 0, failed: 0, pending: 1 }, []);
  assert.deepEqual([file.metadata.output, file.error?.code], [{ responsesFile: 'files/batch-abc123' }, 4]);
});
