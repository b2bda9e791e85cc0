import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type ChatMessage, type GenerateEvent } from '../../core/engine.js';
import { isGemserveError } from '../../core/errors.js';
import { defaultEngineCacheDir } from '../../config/settings.js';
import { testModels, type TestModel } from '../../../test/fixtures/test-models.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { findLlamaServerBinary } from './find-llama-server-binary.js';
import { createLlamaServerEngine, type LlamaServerEngine, type LlamaServerEngineOptions } from './llama-server-engine.js';
import { drain, input, occupancy, startStreaming, user } from '../../../test/fixtures/engine-test-inputs.js';

// The binary the engine would use: --llama-server / PATH / `gemserve engine build`'s. Building
// takes minutes, so the tests skip without one (CI builds it first: .ci/run).
const binary = await findLlamaServerBinary({ cacheDir: defaultEngineCacheDir(process.env) }).then((b) => b.path, () => undefined);
const skip = binary ? false : 'no llama-server binary: run `gemserve engine build` (or put llama-server on PATH) to run these tests';

const models = binary ? await testModels() : [];
const engineOptions = (m: TestModel, over: Partial<LlamaServerEngineOptions> = {}): LlamaServerEngineOptions =>
  ({ modelPath: m.path, binary, contextSize: 512, parallel: 2, ...over });


/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What llama-server itself reports as a generation's prompt tokens for these messages. */
async function reportedPromptTokens(engine: LlamaServerEngine, messages: unknown[]): Promise<number> {
  const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages, n_predict: 1 }),
  });
  const body = await res.json() as { usage: { prompt_tokens: number } };
  return body.usage.prompt_tokens;
}

describe('llama-server engine', { skip }, () => {
  for (const m of models) {
    // A slot of 1,024 tokens: the prompted call format renders the functions into the prompt,
    // and the conversation after a call (the suite's mode-auto case) takes ~540 tokens.
    runEngineConformance(`llama-server ${m.name}`, () => createLlamaServerEngine(engineOptions(m, { contextSize: 1024 })), { timeoutMs: 180_000 });
  }

  const m = models[0];
  describe(`LlamaServerEngine on ${m?.name}`, { timeout: 180_000 }, () => {
    let engine: LlamaServerEngine;
    before(async () => { engine = await createLlamaServerEngine(engineOptions(m, { parallel: 1, maxQueue: 1 })); });
    after(async () => { await engine?.dispose(); });

    it('reports the per-slot context and takes text only without a projector', () => {
      assert.equal(engine.kind, 'llama-server');
      assert.equal(engine.capabilities.contextTokens, 512);
      assert.equal(engine.capabilities.inputModalities, undefined);
      assert.ok(engine.pid && alive(engine.pid));
    });

    it("counts exactly what llama-server reports as the generation's prompt tokens", async () => {
      const conversations: Array<[ChatMessage[], unknown[]]> = [
        [[user('Once upon a time')], [{ role: 'user', content: 'Once upon a time' }]],
        [[{ role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] }, user('Hi'), { role: 'model', parts: [{ type: 'text', text: 'Hello' }] }, user('More')],
          [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'More' }]],
      ];
      for (const [messages, openai] of conversations) {
        const counted = await engine.countTokens({ messages });
        assert.equal(counted.total, await reportedPromptTokens(engine, openai));
        const r = await collectGeneration(engine.stream(input({ messages, max: 2 })));
        assert.equal(r.promptTokens, counted.total);
      }
    });

    it('continues a final model message without repeating it', async () => {
      const messages: ChatMessage[] = [user('Once upon a time'), { role: 'model', parts: [{ type: 'text', text: 'there was' }] }];
      const r = await collectGeneration(engine.stream(input({ messages, max: 4 })));
      assert.ok(!r.candidates[0].text.startsWith('there was'), JSON.stringify(r.candidates[0].text));
      assert.equal(r.candidates[0].tokens, 4);
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

    it('frees the slot when the consumer stops iterating early', async () => {
      const it = await startStreaming(engine, input({ max: 100_000 }));
      await it.return?.();
      assert.equal(engine.stats().busy, 0);
      assert.equal((await collectGeneration(engine.stream(input({ max: 2 })))).candidates[0].tokens, 2);
    });

    it('frees the slot when a client aborts: the queued request runs next, the next one is refused (503)', async () => {
      const ac = new AbortController();
      const running = await startStreaming(engine, input({ signal: ac.signal, max: 100_000, sampling: undefined }));
      const queued = collectGeneration(engine.stream(input({ max: 4 })));
      await waitFor(() => engine.stats().queued === 1);
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

    it("refuses a prompt that does not fit a slot, in Google's words; the longest that fits gets the room left", async () => {
      const max = engine.maxPromptTokens;
      assert.equal(max, engine.capabilities.contextTokens - 1);
      const words = (n: number) => [user(Array.from({ length: n }, (_, i) => `w${i % 10}`).join(' '))];
      let lo = 1;
      let hi = 4 * max;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if ((await engine.countTokens({ messages: words(mid) })).total <= max) lo = mid; else hi = mid - 1;
      }
      const fits = (await engine.countTokens({ messages: words(lo) })).total;
      const r = await collectGeneration(engine.stream(input({ messages: words(lo), max: 1_000 })));
      assert.equal(r.promptTokens, fits);
      const room = engine.capabilities.contextTokens - fits;
      if (r.candidates[0].finishReason === 'max-tokens') assert.equal(r.candidates[0].tokens, room);
      else assert.ok(r.candidates[0].tokens <= room);
      const over = (await engine.countTokens({ messages: words(lo + 1) })).total;
      await assert.rejects(collectGeneration(engine.stream(input({ messages: words(lo + 1) }))), (e: unknown) => {
        assert.ok(isGemserveError(e));
        assert.equal(e.code, 'INVALID_ARGUMENT');
        assert.equal(e.message, `The input token count (${over}) exceeds the maximum number of tokens allowed (${max}).`);
        return true;
      });
    });
  });

  describe('llama-server child lifecycle', { timeout: 180_000 }, () => {
    it('a crash fails the request in flight with a retryable 503; the next request works after the restart', async () => {
      await using engine = await createLlamaServerEngine(engineOptions(models[0], { parallel: 1 }));
      const pid = engine.pid!;
      const running = await startStreaming(engine, input({ max: 100_000 }));
      process.kill(pid, 'SIGKILL');
      await assert.rejects(drain(running), (e: unknown) => {
        assert.ok(isGemserveError(e), String(e));
        assert.equal(e.code, 'MODEL_UNAVAILABLE');
        assert.equal(e.httpStatus, 503);
        assert.equal(e.retryable, true);
        return true;
      });
      const r = await collectGeneration(engine.stream(input({ max: 4 })));
      assert.equal(r.candidates[0].tokens, 4);
      assert.equal(engine.restarts, 1);
      assert.notEqual(engine.pid, pid);
      assert.equal(alive(pid), false);
    });

    it('gives up on a crash loop with a clear error', async () => {
      await using engine = await createLlamaServerEngine(engineOptions(models[0], {
        parallel: 1, restart: { maxCrashes: 1, windowMs: 60_000, backoffMs: () => 10 },
      }));
      process.kill(engine.pid!, 'SIGKILL');
      await waitFor(() => engine.restarts === 1 && engine.pid !== undefined, 30_000);
      process.kill(engine.pid!, 'SIGKILL');
      await assert.rejects(engine.countTokens({ messages: [user('x')] }), (e: unknown) =>
        isGemserveError(e) && e.code === 'MODEL_UNAVAILABLE' && /crashed 2 times within 60 s; gave up/.test(e.message));
    });

    it('dispose ends a stream in flight with MODEL_UNAVAILABLE and kills the child', async () => {
      const engine = await createLlamaServerEngine(engineOptions(models[0], { parallel: 1 }));
      const pid = engine.pid!;
      const running = await startStreaming(engine, input({ max: 100_000 }));
      const disposing = engine.dispose();
      await assert.rejects(drain(running), (e: unknown) => isGemserveError(e) && e.code === 'MODEL_UNAVAILABLE');
      await disposing;
      assert.equal(alive(pid), false, 'the llama-server process is gone');
      await assert.rejects(engine.countTokens({ messages: [user('x')] }), { code: 'MODEL_UNAVAILABLE' });
    });
  });
});

describe('llama-server engine on Q8_0 weights', { skip }, () => {
  // Q8_0 is where llama.cpp repacks weights into extra CPU buffer types (AMX on CPUs that
  // advertise it); a host that advertises AMX without running it kills the child (SIGILL or SIGSEGV),
  // and the engine must then come up with --no-repack rather than fail the model.
  it('loads and generates, whichever way the host lets it', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeLlamaModel } = await import('../../gguf/write-llama-model.js');
    const { LLAMA_MODEL_PRESETS } = await import('../../gguf/llama-model-options.js');
    const dir = await mkdtemp(join(tmpdir(), 'gemserve-q8-'));
    after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'tiny-q8.gguf');
    await writeLlamaModel(path, { ...LLAMA_MODEL_PRESETS.tiny, quantization: 'q8_0' });
    const engine = await createLlamaServerEngine({ modelPath: path, binary, contextSize: 256, parallel: 1, threads: 1 });
    try {
      assert.equal(typeof engine.repack, 'boolean');
      const r = await collectGeneration(engine.stream(input({ max: 4 })));
      assert.equal(r.candidates[0].tokens, 4);
      assert.equal(r.candidates[0].finishReason, 'max-tokens');
    } finally {
      await engine.dispose();
    }
  });
});
