import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration } from '../../core/engine.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { FakeEngine, countWords } from './fake-engine.js';

runEngineConformance('fake', async () => new FakeEngine());
// With a per-token delay the abort and concurrency tests exercise real interleaving.
runEngineConformance('fake (2 ms per token)', async () => new FakeEngine({ tokenDelayMs: 2 }));
// Made with embeddingDimensions it also embeds, so the suite's embedding tests run.
runEngineConformance('fake (embeddings)', async () => new FakeEngine({ embeddingDimensions: 16 }));

describe('FakeEngine specifics', () => {
  it('fails mid-stream on demand (failAfterTokens)', async () => {
    const engine = new FakeEngine({ failAfterTokens: 1 });
    const stream = engine.stream({
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
      sampling: { maxOutputTokens: 10, stopSequences: [] },
      candidateCount: 1,
      signal: new AbortController().signal,
    });
    await assert.rejects(collectGeneration(stream), /failAfterTokens/);
  });

  it('embeds deterministically when made with embeddingDimensions; texts sharing words point alike', async () => {
    const engine = new FakeEngine({ embeddingDimensions: 64 });
    assert.deepEqual(engine.capabilities.embeddings, { dimensions: 64 });
    const signal = new AbortController().signal;
    const { vectors, tokens } = await engine.embed({ texts: ['red apple pie', 'red apple pie', 'blue whale song'], signal });
    assert.deepEqual(tokens, [3, 3, 3]);
    assert.equal(vectors[0].length, 64);
    assert.deepEqual(vectors[0], vectors[1]);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    assert.ok(dot(vectors[0], vectors[1]) > dot(vectors[0], vectors[2]));
    await assert.rejects(new FakeEngine().embed({ texts: ['x'], signal }), /embeddingDimensions/);
  });
});

describe('countWords', () => {
  const oldCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

  it('counts words as split(/\\s+/) did: mixed whitespace, surrogate pairs, every code unit', () => {
    const samples = ['', ' ', 'one', ' one  two\tthree\n', '\u00a0a\u2003b\u3000c\ufeffd\u2028e\u2029', 'x\u200by', '😀 a😀b  😀',
      '\ud83d \ude00', 'a\u0085b', 'a\u180eb', '\v\f\r\n'];
    for (const s of samples) assert.equal(countWords(s), oldCount(s), JSON.stringify(s));
    // Each of the 65,536 code units between two letters: a separator exactly where \s is one.
    for (let c = 0; c <= 0xffff; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      assert.equal(countWords(s), oldCount(s), c.toString(16));
    }
  });
});
