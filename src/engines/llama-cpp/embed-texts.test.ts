import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LlamaModel } from 'node-llama-cpp';
import { isGemserveError } from '../../core/errors.js';
import { embeddingTestModel, GENERATED_MODELS, tinyChatModel } from '../../../test/fixtures/test-models.js';
import { createLlamaEmbedder, declaredPoolingType, embeddingPoolSize, poolsEmbeddings, type LlamaEmbedder } from './embed-texts.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';

describe('declaredPoolingType / poolsEmbeddings', () => {
  it('reads <arch>.pooling_type from parsed metadata', () => {
    assert.equal(declaredPoolingType({ general: { architecture: 'qwen3' }, qwen3: { pooling_type: 3 } }), 3);
    assert.equal(declaredPoolingType({ general: { architecture: 'llama' }, llama: {} }), undefined);
    assert.equal(declaredPoolingType({}), undefined);
  });
  it('mean, cls and last pool; none (a text model) and rank (a reranker) do not', () => {
    assert.deepEqual([undefined, 0, 1, 2, 3, 4].map(poolsEmbeddings), [false, false, true, true, true, false]);
  });
});

describe('embeddingPoolSize', () => {
  it('one context per slot up to one per core, the threads shared out, at least one each', () => {
    assert.deepEqual(embeddingPoolSize(4, 1, 2), { contexts: 2, threads: 1 });
    assert.deepEqual(embeddingPoolSize(4, 16, 16), { contexts: 4, threads: 4 });
    assert.deepEqual(embeddingPoolSize(1, 8, 8), { contexts: 1, threads: 8 });
    assert.deepEqual(embeddingPoolSize(8, 3, 4), { contexts: 4, threads: 1 });
  });
});

describe('LlamaEmbedder on the tiny embedding model', { timeout: 120_000 }, () => {
  let loaded: LoadedLlamaModel;
  let embedder: LlamaEmbedder;
  const signal = new AbortController().signal;
  before(async () => {
    loaded = await loadLlamaModel((await embeddingTestModel()).path);
    embedder = createLlamaEmbedder(loaded.model, { label: 'tiny-embed', contextSize: 32, threads: 1 })!;
  });
  after(async () => {
    await embedder?.dispose();
    await loaded?.dispose();
  });

  it('is created only for a model that declares pooling', async () => {
    assert.ok(embedder);
    assert.equal(embedder.dimensions, GENERATED_MODELS['tiny-embed'].nEmbd);
    await using text = await loadLlamaModel((await tinyChatModel()).path);
    assert.equal(createLlamaEmbedder(text.model as LlamaModel, { label: 'chat', contextSize: 32, threads: 1 }), undefined);
  });

  it('embeds each text in order, deterministically, and reports its tokens', async () => {
    const { vectors, tokens } = await embedder.embed({ texts: ['one', 'two words', 'one'], signal });
    assert.equal(vectors.length, 3);
    assert.ok(vectors.every((v) => v.length === embedder.dimensions));
    assert.deepEqual(vectors[0], vectors[2]);
    assert.notDeepEqual(vectors[0], vectors[1]);
    assert.ok(tokens[1] > tokens[0], JSON.stringify(tokens));
  });

  it('truncates a text longer than its context instead of failing', async () => {
    const long = 'word '.repeat(200);
    const { vectors, tokens } = await embedder.embed({ texts: [long], signal });
    assert.equal(vectors[0].length, embedder.dimensions);
    assert.ok(tokens[0] < 32, `${tokens[0]} tokens`);
  });

  it('stops on an aborted signal with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await assert.rejects(embedder.embed({ texts: ['x'], signal: controller.signal }), (e) => isGemserveError(e));
  });

  it('a pool of contexts gives the same vectors, in input order, and grows only as far as needed', async () => {
    const pooled = createLlamaEmbedder(loaded.model, { label: 'tiny-embed', contextSize: 32, threads: 1, contexts: 3 })!;
    try {
      const texts = Array.from({ length: 7 }, (_, i) => `text number ${i} ${'x '.repeat(i)}`);
      const one = await embedder.embed({ texts, signal });
      assert.equal(pooled.contextCount, 0, 'no context before the first request');
      await pooled.embed({ texts: ['single'], signal });
      assert.equal(pooled.contextCount, 1, 'one text needs one context');
      const [a, b] = await Promise.all([pooled.embed({ texts, signal }), pooled.embed({ texts: [...texts].reverse(), signal })]);
      assert.equal(pooled.contextCount, 3);
      assert.deepEqual(a, one);
      assert.deepEqual(b.vectors, [...one.vectors].reverse());
      assert.deepEqual(b.tokens, [...one.tokens].reverse());
    } finally {
      await pooled.dispose();
    }
  });

  it('an empty text fails the request without stalling the others in the pool', async () => {
    const pooled = createLlamaEmbedder(loaded.model, { label: 'tiny-embed', contextSize: 32, threads: 1, contexts: 2 })!;
    try {
      await assert.rejects(pooled.embed({ texts: ['a', '', 'b', 'c'], signal }), (e) => isGemserveError(e) && e.code === 'INVALID_ARGUMENT');
      const { vectors } = await pooled.embed({ texts: ['a', 'b', 'c'], signal });
      assert.equal(vectors.length, 3);
    } finally {
      await pooled.dispose();
    }
  });

  it('refuses work once disposed', async () => {
    const other = createLlamaEmbedder(loaded.model, { label: 'tiny-embed', contextSize: 32, threads: 1 })!;
    await other.embed({ texts: ['warm'], signal });
    await other.dispose();
    await assert.rejects(other.embed({ texts: ['x'], signal }), (e) => isGemserveError(e) && e.code === 'MODEL_UNAVAILABLE');
  });
});
