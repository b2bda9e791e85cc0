/** Test support: an app with the Batch API on a fake engine, and a way to submit an inline job to it. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import type { RateLimiter } from '../../gateway/limits/rate-limiter.js';
import type { UsageRecord } from '../../gateway/usage-record.js';
import type { BatchStore } from '../../storage/batches/batch-store.js';
import type { Clock } from '../../storage/clock.js';
import { createApp } from '../create-app.js';

/** The key the apps accept. */
export const BATCH_TEST_KEY = 'batch-test-key';

export interface BatchTestAppOptions {
  engine?: FakeEngine;
  limits?: RateLimiter;
  records?: UsageRecord[];
  clock?: Clock;
  maxJobAgeMs?: number;
}

/** `gemini-2.0-flash` on `engine`, one batch lane, ready. */
export async function batchTestApp(store: BatchStore, opts: BatchTestAppOptions = {}): Promise<FastifyInstance> {
  const app = await createApp({
    catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine: opts.engine ?? new FakeEngine() }]),
    apiKeys: [BATCH_TEST_KEY],
    bodyLimitBytes: 1 << 20,
    batches: { store, concurrency: 1, ...(opts.maxJobAgeMs ? { maxJobAgeMs: opts.maxJobAgeMs } : {}) },
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.records ? { usageSinks: [(r: UsageRecord) => { opts.records?.push(r); }] } : {}),
  });
  await app.ready();
  return app;
}

/** Submits `n` inline requests (`q 0`, `q 1`, ... with metadata `{i}`); returns the job id. */
export async function submitBatch(app: FastifyInstance, n: number, displayName = 'test'): Promise<string> {
  const requests = Array.from({ length: n }, (_, i) => ({ request: { contents: [{ parts: [{ text: `q ${i}` }] }] }, metadata: { i } }));
  const res = await app.inject({
    method: 'POST', url: '/v1beta/models/gemini-2.0-flash:batchGenerateContent', headers: { 'x-goog-api-key': BATCH_TEST_KEY },
    payload: { batch: { display_name: displayName, input_config: { requests: { requests } } } },
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { name: string }).name.slice('batches/'.length);
}
