import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { MemoryBatchStore } from '../../storage/batches/memory-batch-store.js';
import { createApp } from '../create-app.js';
import { MAX_INLINE_BATCH_BYTES } from '../../batch/parse-batch-request.js';

const KEY = 'batches-key';
const MiB = 1024 * 1024;

async function appWith(bodyLimitBytes: number) {
  const store = new MemoryBatchStore();
  const app = await createApp({
    catalog: new ModelCatalog([
      { id: 'gemini-2.0-flash', engine: new FakeEngine() },
      { id: 'gemini-embedding-001', engine: new FakeEngine({ embeddingDimensions: 4 }) },
    ]),
    apiKeys: [KEY],
    bodyLimitBytes,
    batches: { store },
  });
  await app.ready();
  return { app, store };
}

/** A create call whose inline requests total just over `bytes`. */
const oversized = (bytes: number, embed = false) => {
  const text = 'x'.repeat(bytes);
  const request = embed ? { content: { parts: [{ text }] } } : { contents: [{ parts: [{ text }] }] };
  return JSON.stringify({ batch: { displayName: 'big', inputConfig: { requests: { requests: [{ request }] } } } });
};

describe('batch creation: the inline size limit', () => {
  it('answers 400 INVALID_ARGUMENT pointing to a JSONL File (not the body limit\'s message) for inline requests over 20 MiB', async () => {
    // The server's default body limit (100 MiB) is above the batch limit, so the batch route answers.
    const { app, store } = await appWith(100 * MiB);
    for (const [method, embed] of [['batchGenerateContent', false], ['asyncBatchEmbedContent', true]] as const) {
      const model = embed ? 'gemini-embedding-001' : 'gemini-2.0-flash';
      const res = await app.inject({
        method: 'POST', url: `/v1beta/models/${model}:${method}`,
        headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' }, payload: oversized(MAX_INLINE_BATCH_BYTES, embed),
      });
      assert.equal(res.statusCode, 400, method);
      const { error } = res.json() as { error: { code: number; status: string; message: string } };
      assert.equal(error.code, 400);
      assert.equal(error.status, 'INVALID_ARGUMENT');
      assert.match(error.message, /^The inline requests of this batch take \d+ bytes, over the 20971520-byte limit for inline requests \(20 MB\)\. /);
      assert.match(error.message, /Upload the requests as a JSONL file with the Files API and pass its name in batch\.input_config\.file_name instead\.$/);
    }
    const list = await app.inject({ method: 'GET', url: '/v1beta/batches', headers: { 'x-goog-api-key': KEY } });
    assert.deepEqual((list.json() as { operations: unknown[] }).operations, [], 'no job was created');
    assert.deepEqual(await store.activeJobs(), []);
    await app.close();
  });

  it('with a body limit below 20 MiB, the body limit answers first (its generic 400)', async () => {
    const { app } = await appWith(MiB);
    const res = await app.inject({
      method: 'POST', url: '/v1beta/models/gemini-2.0-flash:batchGenerateContent',
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' }, payload: oversized(2 * MiB),
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as { error: { message: string } }).error.message, `Request payload size exceeds the limit: ${MiB} bytes.`);
    await app.close();
  });
});
