import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchJob } from '../storage/batches/batch-record.js';
import { batchExpiredError, DEFAULT_BATCH_MAX_AGE_MS, isBatchOverdue } from './batch-expiry.js';

const job = (state: BatchJob['state'], createTime = 0): BatchJob => ({
  id: 'j', owner: 'o', caller: {}, model: 'm', kind: 'generate', state, createTime, updateTime: createTime, input: { kind: 'inline' },
});

test('a job expires once active for more than the maximum age (48 hours by default), never once final', () => {
  assert.equal(DEFAULT_BATCH_MAX_AGE_MS, 172_800_000);
  assert.equal(isBatchOverdue(job('pending', 1000), 1000 + DEFAULT_BATCH_MAX_AGE_MS, DEFAULT_BATCH_MAX_AGE_MS), false, 'exactly 48 h: not yet');
  assert.equal(isBatchOverdue(job('pending', 1000), 1001 + DEFAULT_BATCH_MAX_AGE_MS, DEFAULT_BATCH_MAX_AGE_MS), true);
  assert.equal(isBatchOverdue(job('running'), 61_000, 60_000), true);
  for (const state of ['succeeded', 'failed', 'cancelled', 'expired'] as const) assert.equal(isBatchOverdue(job(state), 1e12, 60_000), false, state);
});

test('the expiry error names the age that applied', () => {
  assert.deepEqual(batchExpiredError(DEFAULT_BATCH_MAX_AGE_MS),
    { status: 'DEADLINE_EXCEEDED', message: 'The batch expired: it was pending or running for more than 48 hours.' });
  assert.match(batchExpiredError(3_600_000).message, /more than 1 hour\.$/);
  assert.match(batchExpiredError(90 * 60_000).message, /more than 90 minutes\.$/);
  assert.match(batchExpiredError(1500).message, /more than 1500 milliseconds\.$/);
});
