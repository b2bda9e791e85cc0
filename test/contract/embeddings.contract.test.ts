/**
 * Embeddings through `@google/genai` (which calls `:batchEmbedContents` even for one text) and
 * raw `:embedContent`, on the embedded engine with the generated tiny embedding model
 * (llama weights declaring mean pooling, 64 dimensions). Random weights: the checks are the
 * contract's invariants (counts, dimensions, unit norms, determinism, order), not meaning.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine.js';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { MAX_BATCH_EMBED_REQUESTS } from '../../src/generation/embed/parse-embed-request.js';
import { embeddingTestModel, GENERATED_MODELS, tinyChatModel } from '../fixtures/test-models.js';
import { genai, postJson, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-embedding-001';
/** Bound to a text model without pooling: embedding calls must be a clear 400. */
const TEXT_BOUND = 'text-embedding-004';
const DIMS = GENERATED_MODELS['tiny-embed'].nEmbd;

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const assertUnit = (v: readonly number[]) => assert.ok(Math.abs(norm(v) - 1) < 1e-5, `norm ${norm(v)}`);

describe('embeddings (contract, @google/genai, llama-cpp engine)', () => {
  let embedEngine: Engine;
  let textEngine: Engine;
  let server: TestServer;
  before(async () => {
    embedEngine = await createLlamaCppEngine({ modelPath: (await embeddingTestModel()).path, parallel: 1, threads: 1, contextSize: 256 });
    textEngine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, parallel: 1, threads: 1, contextSize: 256 });
    server = await startServer({ bindings: [{ id: MODEL, engine: embedEngine }, { id: TEXT_BOUND, engine: textEngine }] });
  });
  after(async () => {
    await server?.close();
    await embedEngine?.dispose();
    await textEngine?.dispose();
  });

  it('the engine reports its embedding capability only for a model with pooling', () => {
    assert.deepEqual(embedEngine.capabilities.embeddings, { dimensions: DIMS });
    assert.equal(textEngine.capabilities.embeddings, undefined);
  });

  it('one text: one vector of the model\'s n_embd values, of unit norm', async () => {
    const r = await genai(server.baseUrl).models.embedContent({ model: MODEL, contents: 'The cat sat on the mat.' });
    assert.equal(r.embeddings?.length, 1);
    const values = r.embeddings![0].values!;
    assert.equal(values.length, DIMS);
    assertUnit(values);
  });

  it('a batch: one vector per text, in order; the same text gives the same vector', async () => {
    const ai = genai(server.baseUrl);
    const texts = ['first text', 'a second, longer text about something', 'first text', 'third'];
    const r = await ai.models.embedContent({ model: MODEL, contents: texts });
    const vectors = r.embeddings!.map((e) => e.values!);
    assert.equal(vectors.length, texts.length);
    for (const v of vectors) {
      assert.equal(v.length, DIMS);
      assertUnit(v);
    }
    assert.deepEqual(vectors[0], vectors[2]);
    assert.notDeepEqual(vectors[0], vectors[1]);
    // Order: each equals the vector of its text embedded alone.
    for (const [i, text] of texts.entries()) {
      const alone = await ai.models.embedContent({ model: MODEL, contents: text });
      assert.deepEqual(alone.embeddings![0].values, vectors[i], `vector ${i} out of order`);
    }
  });

  it('outputDimensionality truncates and renormalises (Matryoshka)', async () => {
    const ai = genai(server.baseUrl);
    const text = 'Embeddings can be truncated.';
    const full = (await ai.models.embedContent({ model: MODEL, contents: text })).embeddings![0].values!;
    const r = await ai.models.embedContent({ model: MODEL, contents: [text, 'other'], config: { outputDimensionality: 16 } });
    for (const e of r.embeddings!) {
      assert.equal(e.values!.length, 16);
      assertUnit(e.values!);
    }
    const prefix = full.slice(0, 16);
    const expected = prefix.map((x) => x / norm(prefix));
    r.embeddings![0].values!.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-6));
  });

  it('taskType is accepted; a title counts only for RETRIEVAL_DOCUMENT', async () => {
    const ai = genai(server.baseUrl);
    const text = 'A document about llamas.';
    const plain = (await ai.models.embedContent({ model: MODEL, contents: text })).embeddings![0].values;
    const query = await ai.models.embedContent({ model: MODEL, contents: text, config: { taskType: 'RETRIEVAL_QUERY' } });
    assert.deepEqual(query.embeddings![0].values, plain);
    const titled = await ai.models.embedContent({
      model: MODEL, contents: text, config: { taskType: 'RETRIEVAL_DOCUMENT', title: 'Llamas' },
    });
    assert.notDeepEqual(titled.embeddings![0].values, plain);
    const ignored = await ai.models.embedContent({ model: MODEL, contents: text, config: { taskType: 'CLUSTERING', title: 'Llamas' } });
    assert.deepEqual(ignored.embeddings![0].values, plain);
  });

  it('raw :embedContent answers {embedding:{values}}, equal to the batch form; snake_case accepted', async () => {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:embedContent`, {
      content: { parts: [{ text: 'raw client' }] }, task_type: 'SEMANTIC_SIMILARITY', output_dimensionality: 8,
    });
    assert.equal(res.status, 200);
    const body = await res.json() as { embedding: { values: number[] } };
    assert.equal(body.embedding.values.length, 8);
    assertUnit(body.embedding.values);
    const sdk = await genai(server.baseUrl).models.embedContent({ model: MODEL, contents: 'raw client', config: { outputDimensionality: 8 } });
    assert.deepEqual(body.embedding.values, sdk.embeddings![0].values);
  });

  it('an embedding model bound to a text model without pooling is a clear 400', async () => {
    const { body } = await sdkError(
      genai(server.baseUrl).models.embedContent({ model: TEXT_BOUND, contents: 'hello' }), 400, 'INVALID_ARGUMENT',
    );
    assert.match(body.error.message, /models\/text-embedding-004 cannot compute embeddings.*not an embedding model.*pooling/);
  });

  it('bad requests are 400s: too many dimensions, an unknown taskType, an empty text, a batch over 100', async () => {
    const ai = genai(server.baseUrl);
    const big = await sdkError(ai.models.embedContent({ model: MODEL, contents: 'x', config: { outputDimensionality: DIMS + 1 } }), 400, 'INVALID_ARGUMENT');
    assert.match(big.body.error.message, /output_dimensionality 65 is larger than the 64 dimensions/);
    const url = `${server.baseUrl}/v1beta/models/${MODEL}:batchEmbedContents`;
    const entry = (text: string, extra: object = {}) => ({ model: `models/${MODEL}`, content: { parts: [{ text }] }, ...extra });
    const task = await postJson(url, { requests: [entry('x', { taskType: 'NOPE' })] });
    assert.equal(task.status, 400);
    assert.match((await task.json() as { error: { message: string } }).error.message, /Invalid value at 'requests\[0\]\.task_type'/);
    const empty = await postJson(url, { requests: [entry('')] });
    assert.equal(empty.status, 400);
    const tooMany = await postJson(url, { requests: Array.from({ length: MAX_BATCH_EMBED_REQUESTS + 1 }, () => entry('x')) });
    assert.equal(tooMany.status, 400);
    assert.match((await tooMany.json() as { error: { message: string } }).error.message, /at most 100 requests can be in one batch/);
  });

  it('an embedding model does not generate: generateContent is Google\'s 404', async () => {
    await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'hi' }), 404, 'NOT_FOUND');
  });
});
