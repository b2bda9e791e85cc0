/**
 * The generation pipeline needs no transport: scripts/generate-without-http.ts streams and
 * generates through GenerationService in process, on the fake engine and on a real llama.cpp
 * engine with a generated GGUF, metering both calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { generateWithoutHttp } from '../../scripts/generate-without-http.js';
import { ensureGeneratedModel, GENERATED_MODELS } from '../fixtures/test-models.js';

describe('generating without HTTP (scripts/generate-without-http.ts)', () => {
  it('the fake engine: the stream and the unary answer agree, both metered', async () => {
    const deltas: string[] = [];
    const run = await generateWithoutHttp(new FakeEngine(), 'hello there', (t) => deltas.push(t));
    assert.ok(deltas.length > 1, 'streamed in several chunks');
    assert.equal(run.streamed, run.response.candidates?.[0]?.content?.parts?.[0]?.text);
    assert.deepEqual(run.usage.map((r) => [r.method, r.status, r.callerName]), [
      ['streamGenerateContent', 200, 'anonymous'], ['generateContent', 200, 'anonymous'],
    ]);
    assert.equal(run.usage[1].totalTokens, run.response.usageMetadata?.totalTokenCount);
  });

  it('a generated GGUF on the embedded llama.cpp engine: greedy stream equals greedy unary', async () => {
    const path = await ensureGeneratedModel('tiny-plain', GENERATED_MODELS['tiny-plain']);
    const engine = await createLlamaCppEngine({ modelPath: path, threads: 1 });
    try {
      const run = await generateWithoutHttp(engine, 'Once upon a time');
      assert.ok(run.streamed.length > 0);
      assert.equal(run.streamed, run.response.candidates?.[0]?.content?.parts?.[0]?.text, 'temperature 0 both times');
      assert.equal(run.usage.length, 2);
      assert.ok(run.usage.every((r) => r.status === 200 && r.candidatesTokens > 0));
    } finally {
      await engine.dispose();
    }
  });
});
