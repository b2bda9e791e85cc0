/**
 * Creating cached contents and enqueueing Batch work are bounded per key (issue 14, item 6):
 * a cache's creation is a request of its model under the caller's rate limits and is billed at
 * the input rate in the usage ledger (ai.google.dev/gemini-api/docs/caching), and a key cannot
 * enqueue more Batch requests than its cap, refused with Google's 429 and a QuotaFailure.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { RateLimiter } from '../../src/gateway/limits/rate-limiter.js';
import type { UsageRecord } from '../../src/gateway/usage-record.js';
import { CappedBatchStore } from '../../src/storage/batches/cap-enqueued-requests.js';
import { MemoryBatchStore } from '../../src/storage/batches/memory-batch-store.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { genai, postJson, rawError, sdkError, TEST_API_KEY } from '../contract/helpers/clients.js';
import { startServer, type TestServer } from '../contract/helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const OTHER_KEY = 'other-key';
const RPM = 3;
const MAX_ENQUEUED = 5;
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const DOCUMENT = 'The quarterly report says revenue grew by twelve percent. '.repeat(20);
const CACHE = { contents: [{ role: 'user', parts: [{ text: DOCUMENT }] }], ttl: '300s' };

describe('cachedContents creation and Batch enqueueing are limited and billed (abuse)', () => {
  let server: TestServer;
  const clock = new FakeClock();
  const usage: UsageRecord[] = [];
  before(async () => {
    // The engine is never reached by the batch worker: the job's requests stay enqueued.
    server = await startServer({
      bindings: [{ id: MODEL, engine: new FakeEngine({ tokenDelayMs: 1_000 }) }],
      apiKeys: [TEST_API_KEY, OTHER_KEY],
      limits: new RateLimiter({ clock, models: { [MODEL]: { rpm: RPM } } }),
      usageSinks: [(r) => { usage.push(r); }],
      cachedContents: { store: new MemoryCachedContentStore({ clock }), minTokens: 10, clock },
      batches: { store: new CappedBatchStore(new MemoryBatchStore(), MAX_ENQUEUED), concurrency: 1 },
      clock,
    });
  });
  after(() => server?.close());

  it('a burst of 10 creations with rpm 3: 3 caches, 7 × 429; each creation is in the ledger with its tokens as prompt tokens', async () => {
    const url = `${server.baseUrl}/v1beta/cachedContents`;
    const results = await Promise.all(Array.from({ length: 10 }, () => postJson(url, { model: `models/${MODEL}`, ...CACHE })));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, RPM);
    for (const r of results.filter((x) => x.status !== 200)) {
      const body = await rawError(r, 429, 'RESOURCE_EXHAUSTED');
      assert.ok(body.error.details?.some((d) => d['@type'] === QUOTA_FAILURE), JSON.stringify(body));
    }
    const created = await Promise.all(ok.map((r) => r.json() as Promise<{ usageMetadata: { totalTokenCount: number } }>));
    const records = usage.filter((u) => u.method === 'createCachedContent');
    assert.equal(records.length, RPM, 'refused creations did no work and are not billed');
    for (const [i, rec] of records.entries()) {
      assert.equal(rec.status, 200);
      assert.equal(rec.model, MODEL);
      assert.equal(rec.promptTokens, created[i].usageMetadata.totalTokenCount);
      assert.equal(rec.totalTokens, rec.promptTokens);
      assert.equal(rec.candidatesTokens, 0);
    }
    // The creations spent the key's requests: a generate request is refused too, another key is not.
    await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'hi' }), 429, 'RESOURCE_EXHAUSTED');
    const other = await postJson(`${server.baseUrl}/v1beta/cachedContents`, { model: `models/${MODEL}`, ...CACHE }, { 'x-goog-api-key': OTHER_KEY });
    assert.equal(other.status, 200, await other.clone().text());
    clock.advance(61_000);
  });

  it('a key cannot enqueue more Batch requests than its cap: 429 with a QuotaFailure naming it; other keys are not affected', async () => {
    const url = `${server.baseUrl}/v1beta/models/${MODEL}:batchGenerateContent`;
    const as = (key: string) => ({ 'x-goog-api-key': key });
    const batch = (n: number) => ({
      batch: { inputConfig: { requests: { requests: Array.from({ length: n }, (_, i) => ({ request: { contents: [{ parts: [{ text: `q${i}` }] }] } })) } } },
    });
    assert.equal((await postJson(url, batch(MAX_ENQUEUED - 1), as(TEST_API_KEY))).status, 200);
    const over = await rawError(await postJson(url, batch(2), as(TEST_API_KEY)), 429, 'RESOURCE_EXHAUSTED');
    const failure = over.error.details?.find((d) => d['@type'] === QUOTA_FAILURE) as unknown as { violations: Array<{ quotaMetric: string; quotaValue: string }> };
    assert.equal(failure.violations[0].quotaMetric, 'generativelanguage.googleapis.com/batch_enqueued_requests');
    assert.equal(failure.violations[0].quotaValue, String(MAX_ENQUEUED));
    assert.equal((await postJson(url, batch(MAX_ENQUEUED), as(OTHER_KEY))).status, 200, 'the cap is per key');
    // Concurrent jobs cannot slip under the cap together.
    const raced = await Promise.all([1, 2, 3].map(() => postJson(url, batch(1), as(OTHER_KEY))));
    assert.deepEqual(raced.map((r) => r.status), [429, 429, 429]);
  });
});
