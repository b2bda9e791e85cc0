import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { GenerateEvent, GenerateInput } from '../core/engine.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { MemoryBatchStore } from '../storage/batches/memory-batch-store.js';
import { FakeClock } from '../../test/fixtures/fake-clock.js';
import { DEFAULT_BATCH_MAX_AGE_MS } from './batch-expiry.js';
import { BATCH_TEST_KEY, batchTestApp, submitBatch } from '../../test/fixtures/batch-test-app.js';
import { until } from '../../test/fixtures/wait-until.js';

const KEY = BATCH_TEST_KEY;
const HOUR = 3_600_000;

/** A fake engine whose generations wait until the test opens the gate (or the request aborts). */
class GatedEngine extends FakeEngine {
  started = 0;
  #open: () => void = () => {};
  readonly #gate = new Promise<void>((resolve) => { this.#open = resolve; });

  override async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.started++;
    await Promise.race([this.#gate, new Promise((resolve) => input.signal.addEventListener('abort', resolve, { once: true }))]);
    if (input.signal.aborted) return;
    yield* super.stream(input);
  }

  open(): void {
    this.#open();
  }
}

async function getOperation(app: FastifyInstance, id: string): Promise<Record<string, any>> {
  const res = await app.inject({ method: 'GET', url: `/v1beta/batches/${id}`, headers: { 'x-goog-api-key': KEY } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Record<string, any>;
}

describe('BatchWorker: expiry', () => {
  it('a job read past 48 hours is BATCH_STATE_EXPIRED at once: done, DEADLINE_EXCEEDED, end time; the request in flight lands, the rest never run', async () => {
    const store = new MemoryBatchStore();
    const clock = new FakeClock();
    const engine = new GatedEngine();
    const app = await batchTestApp(store, { clock, engine });
    const id = await submitBatch(app, 3, 'e');
    await until(async () => engine.started === 1);
    assert.equal((await getOperation(app, id)).metadata.state, 'BATCH_STATE_RUNNING');

    clock.advance(DEFAULT_BATCH_MAX_AGE_MS);
    assert.equal((await getOperation(app, id)).metadata.state, 'BATCH_STATE_RUNNING', 'exactly 48 hours old: not yet');
    clock.advance(1);
    const op = await getOperation(app, id);
    assert.equal(op.metadata.state, 'BATCH_STATE_EXPIRED');
    assert.equal(op.done, true);
    assert.deepEqual(op.error, { code: 4, message: 'The batch expired: it was pending or running for more than 48 hours.' });
    assert.equal(op.response, undefined);
    assert.equal(op.metadata.endTime, new Date(clock.now()).toISOString());
    assert.deepEqual(op.metadata.output, { inlinedResponses: { inlinedResponses: [] } });

    // The request in flight at the expiry finishes and is kept; nothing else of the job runs.
    engine.open();
    await until(async () => (await store.items(id))[0].state === 'done');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(engine.started, 1);
    assert.deepEqual((await store.items(id)).map((i) => i.state), ['done', 'pending', 'pending']);
    const after = await getOperation(app, id);
    assert.equal(after.metadata.state, 'BATCH_STATE_EXPIRED');
    assert.deepEqual(after.metadata.batchStats, { requestCount: '3', successfulRequestCount: '1', pendingRequestCount: '2' });
    assert.deepEqual(after.metadata.output.inlinedResponses.inlinedResponses.map((r: any) => r.metadata), [{ i: 0 }]);

    // Over is over: cancelling changes nothing; the list shows it expired.
    const cancel = await app.inject({ method: 'POST', url: `/v1beta/batches/${id}:cancel`, headers: { 'x-goog-api-key': KEY } });
    assert.equal(cancel.statusCode, 200);
    const list = await app.inject({ method: 'GET', url: '/v1beta/batches', headers: { 'x-goog-api-key': KEY } });
    assert.deepEqual((list.json() as any).operations.map((o: any) => [o.name, o.metadata.state]), [[`batches/${id}`, 'BATCH_STATE_EXPIRED']]);
    await app.close();
  });

  it('the worker\'s own sweep expires a job nobody reads, at the configured age', async () => {
    const store = new MemoryBatchStore();
    const clock = new FakeClock();
    const engine = new GatedEngine();
    const app = await batchTestApp(store, { clock, engine, maxJobAgeMs: 60_000 });
    const id = await submitBatch(app, 3, 'e');
    await until(async () => engine.started === 1);
    clock.advance(61_000);
    engine.open();
    // No GET: the lane finishes its request, then its sweep finds the job past its age.
    await until(async () => (await store.get(id))?.state === 'expired');
    const job = await store.get(id);
    assert.deepEqual(job?.error, { status: 'DEADLINE_EXCEEDED', message: 'The batch expired: it was pending or running for more than 1 minute.' });
    assert.equal(job?.endTime, clock.now());
    assert.deepEqual((await store.items(id)).map((i) => i.state), ['done', 'pending', 'pending']);
    assert.equal(engine.started, 1);
    await app.close();
  });

  it('on start, jobs that grew too old while the server was down expire before any of their requests runs', async () => {
    const store = new MemoryBatchStore();
    const clock = new FakeClock();
    const base = { owner: 'o', caller: { id: 'anonymous', name: 'anonymous' }, model: 'gemini-2.0-flash', kind: 'generate' as const,
      state: 'pending' as const, input: { kind: 'inline' as const } };
    const req = { request: { contents: [{ parts: [{ text: 'x' }] }] } };
    await store.create({ ...base, id: 'stale', createTime: clock.now() - 49 * HOUR, updateTime: clock.now() - 49 * HOUR }, [req, req]);
    await store.create({ ...base, id: 'fresh', createTime: clock.now() - HOUR, updateTime: clock.now() - HOUR }, [req]);
    const engine = new FakeEngine();
    const app = await batchTestApp(store, { clock, engine });
    assert.equal((await store.get('stale'))?.state, 'expired');
    await until(async () => (await store.get('fresh'))?.state === 'succeeded');
    assert.deepEqual((await store.items('stale')).map((i) => i.state), ['pending', 'pending']);
    await app.close();
  });
});
