import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { collectGeneration, type GenerateEvent } from '../../core/engine.js';
import { isGemserveError } from '../../core/errors.js';
import { embeddingTestModel, testModels, type TestModel } from '../../../test/fixtures/test-models.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { createLlamaCppEngine, type LlamaCppEngine, type LlamaCppEngineOptions } from './llama-cpp-engine.js';
import { drain, input, occupancy, startStreaming, user } from '../../../test/fixtures/engine-test-inputs.js';

// Generated tiny models (one with a ChatML template, one without), plus stories260K when
// ../shared/models exists.
const models = await testModels();
const engineOptions = (m: TestModel, over: Partial<LlamaCppEngineOptions> = {}): LlamaCppEngineOptions =>
  ({ modelPath: m.path, contextSize: 512, parallel: 2, ...over });


// An embedding model (mean pooling) also generates: it runs the suite's embedding tests too.
const embedModel = await embeddingTestModel();
runEngineConformance(`llama-cpp ${embedModel.name}`, () => createLlamaCppEngine(engineOptions(embedModel)), { timeoutMs: 180_000 });

for (const m of models) {
  runEngineConformance(`llama-cpp ${m.name}`, () => createLlamaCppEngine(engineOptions(m)), { timeoutMs: 180_000 });

  describe(`LlamaCppEngine on ${m.name}`, { timeout: 180_000 }, () => {
    let engine: LlamaCppEngine;
    before(async () => { engine = await createLlamaCppEngine(engineOptions(m, { parallel: 1, maxQueue: 1 })); });
    after(async () => { await engine?.dispose(); });

    it('reports its context, threads and chat wrapper', () => {
      assert.ok(engine.capabilities.contextTokens >= 512);
      if (cpus().length <= 2) assert.equal(engine.threads, 1, "'auto' picks one thread on a 2-core host");
      assert.equal(engine.chatWrapperName === 'PlainText', !m.hasChatTemplate);
    });

    it('frees the slot when a client aborts: the queued request runs next, the next one is refused (503)', async () => {
      const ac = new AbortController();
      const running = await startStreaming(engine, input({ signal: ac.signal, max: 100_000, sampling: undefined }));
      const queued = collectGeneration(engine.stream(input({ max: 4 })));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(occupancy(engine), { busy: 1, queued: 1, slots: 1, maxQueue: 1 });
      await assert.rejects(collectGeneration(engine.stream(input())), (e: unknown) =>
        isGemserveError(e) && e.code === 'OVERLOADED' && e.httpStatus === 503);
      const t = performance.now();
      ac.abort(new Error('client disconnected'));
      const rest = await drain(running);
      assert.equal(rest.filter((e) => e.type === 'finish').length, 0, 'an aborted candidate gets no finish');
      const result = await queued;
      assert.equal(result.candidates.length, 1);
      assert.ok(performance.now() - t < 2_000, 'the queued request ran promptly after the abort');
      assert.deepEqual(occupancy(engine), { busy: 0, queued: 0, slots: 1, maxQueue: 1 });
    });

    it('frees the slot when the consumer stops iterating early', async () => {
      const it = await startStreaming(engine, input({ max: 100_000 }));
      await it.return?.();
      assert.equal(engine.stats().busy, 0);
      assert.equal((await collectGeneration(engine.stream(input({ max: 2 })))).candidates.length, 1);
    });

    it('refuses a prompt that does not fit the context, in Google\'s words; one that just fits works', async () => {
      const max = engine.capabilities.contextTokens - 2;
      const words = (n: number) => [user(Array.from({ length: n }, (_, i) => `w${i % 10}`).join(' '))];
      let lo = 1;
      let hi = 4 * max;
      while (lo < hi) { // largest word count whose prompt fits
        const mid = Math.ceil((lo + hi) / 2);
        if ((await engine.countTokens({ messages: words(mid) })).total <= max) lo = mid; else hi = mid - 1;
      }
      const fits = (await engine.countTokens({ messages: words(lo) })).total;
      const r = await collectGeneration(engine.stream(input({ messages: words(lo), max: 1_000 })));
      assert.equal(r.promptTokens, fits);
      assert.ok(r.candidates[0].tokens <= engine.capabilities.contextTokens - fits, 'output capped by the room left');
      const over = (await engine.countTokens({ messages: words(lo + 1) })).total;
      await assert.rejects(collectGeneration(engine.stream(input({ messages: words(lo + 1) }))), (e: unknown) => {
        assert.ok(isGemserveError(e));
        assert.equal(e.code, 'INVALID_ARGUMENT');
        assert.equal(e.message, `The input token count (${over}) exceeds the maximum number of tokens allowed (${max}).`);
        return true;
      });
    });

    it('does not count the stop sequence as output tokens', async () => {
      const deltas = (await drain(engine.stream(input({ max: 40 }))[Symbol.asyncIterator]()))
        .filter((e): e is Extract<GenerateEvent, { type: 'text-delta' }> => e.type === 'text-delta');
      const text = deltas.map((d) => d.text).join('');
      const stop = text.slice(Math.floor(text.length / 2)).trim().slice(0, 3);
      if (!stop) return;
      const stopped = (await collectGeneration(engine.stream(input({ max: 40, stop: [stop] })))).candidates[0];
      assert.equal(stopped.finishReason, 'stop');
      // Tokens of the unstopped run up to the same text: the stopped run must report exactly those.
      let chars = 0;
      let tokens = 0;
      for (const d of deltas) {
        if (chars + d.text.length > stopped.text.length) break;
        chars += d.text.length;
        tokens += d.tokens;
      }
      if (chars === stopped.text.length) assert.equal(stopped.tokens, tokens);
      else assert.ok(stopped.tokens <= tokens + 1);
    });

    it('ends a stream in flight with MODEL_UNAVAILABLE when disposed, and frees everything', async () => {
      const own = await createLlamaCppEngine(engineOptions(m, { parallel: 1 }));
      const running = await startStreaming(own, input({ max: 100_000 }));
      const t = performance.now();
      const disposing = own.dispose();
      await assert.rejects(drain(running), (e: unknown) => isGemserveError(e) && e.code === 'MODEL_UNAVAILABLE');
      await disposing;
      assert.ok(performance.now() - t < 2_000);
      await assert.rejects(own.countTokens({ messages: [user('x')] }), { code: 'MODEL_UNAVAILABLE' });
    });
  });
}
