import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration } from '../../core/engine.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { FakeEngine } from './fake-engine.js';

runEngineConformance('fake', async () => new FakeEngine());
// With a per-token delay the abort and concurrency tests exercise real interleaving.
runEngineConformance('fake (2 ms per token)', async () => new FakeEngine({ tokenDelayMs: 2 }));

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
});
