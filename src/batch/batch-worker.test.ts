import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import type { GenerateEvent, GenerateInput } from '../core/engine.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { RateLimiter } from '../gateway/limits/rate-limiter.js';
import { MemoryUsageStore } from '../gateway/usage/memory-usage-store.js';
import { PriceTable } from '../gateway/usage/price-table.js';
import { createUsageRecorder } from '../gateway/usage/usage-recorder.js';
import type { UsageRecord } from '../gateway/usage-record.js';
import { MemoryBatchStore } from '../storage/batches/memory-batch-store.js';
import { createApp } from '../http/create-app.js';
import { BATCH_TEST_KEY, batchTestApp, submitBatch } from '../../test/fixtures/batch-test-app.js';
import { until } from '../../test/fixtures/wait-until.js';

const KEY = BATCH_TEST_KEY;

/** A fake engine that notes each input's priority, optionally slow. */
class NotingEngine extends FakeEngine {
  readonly priorities: Array<GenerateInput['priority']> = [];
  override stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.priorities.push(input.priority);
    return super.stream(input);
  }
}

describe('BatchWorker', () => {
  it('runs each request at batch priority, outside the rate limits, billed as batch under a fixed id', async () => {
    const store = new MemoryBatchStore();
    const engine = new NotingEngine();
    const records: UsageRecord[] = [];
    // One request a minute: a batch of 3 runs anyway.
    const app = await batchTestApp(store, { engine, limits: new RateLimiter({ defaults: { rpm: 1 } }), records });
    const id = await submitBatch(app, 3, 'w');
    await until(async () => (await store.get(id))?.state === 'succeeded');
    assert.deepEqual(engine.priorities, ['batch', 'batch', 'batch']);
    assert.deepEqual((await store.counts(id)), { total: 3, succeeded: 3, failed: 0, pending: 0 });
    assert.deepEqual(records.map((r) => [(r as { usageId?: string }).usageId, (r as { batch?: boolean }).batch]),
      [[`batch-${id}-0`, true], [`batch-${id}-1`, true], [`batch-${id}-2`, true]]);
    // Interactive traffic is still limited and not batch-priced.
    const call = () => app.inject({
      method: 'POST', url: '/v1beta/models/gemini-2.0-flash:generateContent', headers: { 'x-goog-api-key': KEY },
      payload: { contents: [{ parts: [{ text: 'hi' }] }] },
    });
    assert.equal((await call()).statusCode, 200);
    assert.equal((await call()).statusCode, 429);
    assert.equal(engine.priorities.at(-1), undefined);
    await app.close();
  });

  it('a client cannot pass as a batch request: the header the worker once used is ignored and the key is still required', async () => {
    const app = await batchTestApp(new MemoryBatchStore());
    // Batch calls reach the generation service directly (no HTTP); this header marked them when they did not.
    const res = await app.inject({
      method: 'POST', url: '/v1beta/models/gemini-2.0-flash:generateContent', headers: { 'x-gemserve-batch-request': 'guess' },
      payload: { contents: [{ parts: [{ text: 'hi' }] }] },
    });
    assert.equal(res.statusCode, 403);
    await app.close();
  });

  it('stopping aborts the request in flight and puts it back to pending; the next start finishes the job', async () => {
    const store = new MemoryBatchStore();
    const slow = await batchTestApp(store, { engine: new FakeEngine({ tokenDelayMs: 200 }) });
    const id = await submitBatch(slow, 3, 'w');
    await until(async () => (await store.items(id)).some((i) => i.state === 'running'));
    await slow.close();
    const items = await store.items(id);
    assert.deepEqual(items.map((i) => i.state), ['pending', 'pending', 'pending'], 'aborted, not failed');
    assert.equal((await store.get(id))?.state, 'running');

    const again = await batchTestApp(store);
    await until(async () => (await store.get(id))?.state === 'succeeded');
    assert.deepEqual((await store.items(id)).map((i) => i.state), ['done', 'done', 'done']);
    await again.close();
  });

  it('recovers what a crash left: running requests rerun, and a job with every request finished is finished', async () => {
    const store = new MemoryBatchStore();
    // Created now (system clock): a job older than 48 hours would expire on start instead (batch-expiry.ts).
    const now = Date.now();
    const base = { owner: 'o', caller: { id: 'anonymous', name: 'anonymous' }, model: 'gemini-2.0-flash', kind: 'generate' as const,
      state: 'pending' as const, createTime: now, updateTime: now, input: { kind: 'inline' as const } };
    const req = { request: { contents: [{ parts: [{ text: 'x' }] }] } };
    await store.create({ ...base, id: 'half' }, [req, req]);
    await store.claim(now);
    await store.claim(now); // both running when the "crash" came
    await store.create({ ...base, id: 'complete' }, [req]);
    await store.claim(now);
    await store.complete('complete', 0, { response: { ok: true } }, now); // finished, but the job never was
    const app = await batchTestApp(store);
    await until(async () => (await store.get('half'))?.state === 'succeeded');
    assert.equal((await store.get('complete'))?.state, 'succeeded');
    assert.deepEqual((await store.items('complete'))[0].response, { ok: true }, 'a stored result is never run again');
    await app.close();
  });
});

describe('BatchWorker and the usage ledger', () => {
  it('a request whose result was never stored (a crash after it ran) runs again but is charged once', async () => {
    /** Loses every outcome, as a process killed between running a request and storing its result would. */
    class LosingStore extends MemoryBatchStore {
      losing = true;
      override async complete(...args: Parameters<MemoryBatchStore['complete']>): Promise<boolean> {
        if (this.losing) throw new Error('killed before the result was stored');
        return super.complete(...args);
      }
    }
    const store = new LosingStore();
    const usage = new MemoryUsageStore();
    const recorder = createUsageRecorder(usage, new PriceTable());
    let sunk = 0;
    const records = { usageSinks: [(r: UsageRecord) => { sunk++; recorder(r); }] };
    const make = () => createApp({
      catalog: new ModelCatalog([{ id: 'gemini-2.0-flash', engine: new FakeEngine() }]),
      apiKeys: [KEY], bodyLimitBytes: 1 << 20, batches: { store }, ...records,
    });
    const first = await make();
    await first.ready();
    const id = await submitBatch(first, 2, 'w');
    // Both ran to the end (and were metered), but neither result was stored.
    await until(async () => sunk === 2 && (await store.items(id)).every((i) => i.state === 'running'));
    await first.close();

    store.losing = false;
    const second = await make();
    await second.ready();
    await until(async () => (await store.get(id))?.state === 'succeeded');
    await second.close();
    assert.equal(sunk, 4, 'each request ran twice');
    const entries = usage.list();
    assert.deepEqual(entries.map((e) => e.id).sort(), [`batch-${id}-0`, `batch-${id}-1`]);
    assert.ok(entries.every((e) => e.batch && e.costMicros > 0));
  });
});
