import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { collectGeneration, type ChatMessage, type GenerateInput, type GenerationResult, type ToolOptions } from '../../core/engine.js';
import { testModels, thinkingChatModel, tinyChatModel, type TestModel } from '../../../test/fixtures/test-models.js';
import { input, user } from '../../../test/fixtures/engine-test-inputs.js';
import { createLlamaCppEngine, type LlamaCppEngine, type LlamaCppEngineOptions } from './llama-cpp-engine.js';

const models = await testModels();
const options = (m: TestModel, over: Partial<LlamaCppEngineOptions> = {}): LlamaCppEngineOptions =>
  ({ modelPath: m.path, contextSize: 2048, parallel: 1, threads: 1, ...over });

const story = Array.from({ length: 20 }, (_, i) => `Sentence ${i} tells of the lighthouse, the keeper and the sea.`).join(' ');
/** A cached content: a system instruction, a long user turn and the model's answer (3 messages). */
const prefix: ChatMessage[] = [
  { role: 'system', parts: [{ type: 'text', text: 'You are a storyteller who answers briefly.' }] },
  user(story),
  { role: 'model', parts: [{ type: 'text', text: 'I have read it.' }] },
];
const ask = (question: string, over: Partial<GenerateInput> = {}, cacheId?: string): GenerateInput => ({
  ...input({ messages: [...prefix, user(question)], max: 12 }),
  ...(cacheId ? { cachedPrefix: { id: cacheId, messageCount: prefix.length } } : {}),
  ...over,
});
const warm = (engine: LlamaCppEngine, id: string, tools?: ToolOptions) =>
  engine.warmCachedPrefix({ id, messages: prefix, signal: new AbortController().signal, ...(tools ? { tools } : {}) });

/** The generation, and the prompt tokens llama.cpp evaluated for it (node-llama-cpp's token meter). */
async function measured(engine: LlamaCppEngine, inp: GenerateInput): Promise<{ result: GenerationResult; evaluated: number }> {
  const before = engine.evaluatedTokens().input;
  const result = await collectGeneration(engine.stream(inp));
  return { result, evaluated: engine.evaluatedTokens().input - before };
}

const texts = (r: GenerationResult) => r.candidates.map((c) => c.text);

for (const m of models) {
  describe(`context caching on ${m.name}`, { timeout: 180_000 }, () => {
    let engine: LlamaCppEngine;
    let prefixTokens: number;
    before(async () => {
      engine = await createLlamaCppEngine(options(m));
      prefixTokens = (await engine.countTokens({ messages: prefix })).total;
    });
    after(async () => { await engine?.dispose(); });

    it('reuses the warmed prefix: the same greedy text, the prefix not evaluated again, promptTokens the whole prompt', async () => {
      // Baseline: all evaluated but the few tokens the previous prompt shares (and the last, which counts as output).
      const plain = await measured(engine, ask('What did the keeper see?'));
      assert.ok(plain.evaluated >= plain.result.promptTokens - 8, `uncached: ${plain.evaluated} of ${plain.result.promptTokens}`);
      await warm(engine, 'c1');
      await collectGeneration(engine.stream(input({ messages: [user('Something else entirely.')] }))); // the slot now holds another prompt
      const cached = await measured(engine, ask('What did the keeper see?', {}, 'c1'));
      assert.deepEqual(texts(cached.result), texts(plain.result));
      assert.equal(cached.result.promptTokens, plain.result.promptTokens);
      const suffix = plain.result.promptTokens - prefixTokens;
      assert.ok(cached.evaluated <= suffix + 8, `cached: evaluated ${cached.evaluated}, the suffix is about ${suffix} tokens`);
      assert.ok(prefixTokens > 200, 'the prefix is long enough to tell');
    });

    it('the log-probabilities path reuses it too, with the same tokens and log probabilities', async () => {
      const lp = { logprobs: { top: 3 } };
      await warm(engine, 'c2');
      await collectGeneration(engine.stream(input({ messages: [user('Another prompt.')] })));
      const plain = await measured(engine, ask('Who wrote the ledger?', lp));
      await collectGeneration(engine.stream(input({ messages: [user('Yet another prompt.')] })));
      const cached = await measured(engine, ask('Who wrote the ledger?', lp, 'c2'));
      assert.deepEqual(cached.result.candidates[0].logprobs?.map((t) => t.tokenId), plain.result.candidates[0].logprobs?.map((t) => t.tokenId));
      assert.deepEqual(texts(cached.result), texts(plain.result));
      assert.ok(cached.evaluated <= plain.result.promptTokens - prefixTokens + 8, `cached: evaluated ${cached.evaluated}`);
      assert.ok(plain.evaluated >= plain.result.promptTokens - 8, `uncached: ${plain.evaluated} of ${plain.result.promptTokens}`);
    });

    it('an unknown id (evicted, or a restart) still works: evaluated once, then reused', async () => {
      const id = `lazy-${m.name}`;
      await collectGeneration(engine.stream(input({ messages: [user('Clear the slot.')] })));
      const plain = await collectGeneration(engine.stream(ask('How tall is the lighthouse?')));
      await collectGeneration(engine.stream(input({ messages: [user('Clear the slot again.')] })));
      const files = engine.prefixStates().files.length;
      const first = await measured(engine, ask('How tall is the lighthouse?', {}, id));
      assert.deepEqual(texts(first.result), texts(plain));
      assert.equal(engine.prefixStates().files.length, files + 1, 'the lazily evaluated prefix was saved');
      await collectGeneration(engine.stream(input({ messages: [user('And clear it once more.')] })));
      const second = await measured(engine, ask('How tall is the lighthouse?', {}, id));
      assert.deepEqual(texts(second.result), texts(plain));
      assert.ok(second.evaluated <= plain.promptTokens - prefixTokens + 8, `second: evaluated ${second.evaluated}`);
    });
  });
}

describe('context caching across slots, eviction, release and dispose (tiny-chat)', { timeout: 180_000 }, () => {
  let model: TestModel;
  before(async () => { model = await tinyChatModel(); });

  it('a request on another slot gets the state loaded; concurrent requests give the uncached text', async () => {
    const engine = await createLlamaCppEngine(options(model, { parallel: 2 }));
    try {
      const question = (i: number) => `Question ${i}: what happened next?`;
      const plain = [];
      for (const i of [1, 2]) plain.push(texts(await collectGeneration(engine.stream(ask(question(i))))));
      await warm(engine, 'shared');
      const before = engine.evaluatedTokens().input;
      // At once: the first takes slot 0 (which the warm left holding the prefix), the second slot 1 (empty: it loads the state).
      const both = await Promise.all([1, 2].map((i) => collectGeneration(engine.stream(ask(question(i), {}, 'shared')))));
      const evaluated = engine.evaluatedTokens().input - before;
      assert.deepEqual(both.map(texts), plain);
      const prefixTokens = (await engine.countTokens({ messages: prefix })).total;
      const suffixes = both.reduce((s, r) => s + r.promptTokens - prefixTokens, 0);
      assert.ok(evaluated <= suffixes + 16, `two slots evaluated ${evaluated} prompt tokens; the suffixes are about ${suffixes}`);
    } finally {
      await engine.dispose();
    }
  });

  it('with tools from the cache: the same greedy output, the prefix reused', async () => {
    const engine = await createLlamaCppEngine(options(model));
    try {
      const tools: ToolOptions = {
        mode: 'auto',
        functions: [{ name: 'find_ship', description: 'Finds a ship by name.', parameters: { type: 'object', properties: { name: { type: 'string' } } } }],
      };
      const plain = await measured(engine, ask('Which ship came back?', { tools }));
      await warm(engine, 'tools', tools);
      await collectGeneration(engine.stream(input({ messages: [user('Clear the slot.')] })));
      const cached = await measured(engine, ask('Which ship came back?', { tools }, 'tools'));
      assert.deepEqual(cached.result.candidates, plain.result.candidates);
      assert.ok(cached.evaluated < plain.evaluated / 4, `cached ${cached.evaluated} vs uncached ${plain.evaluated}`);
    } finally {
      await engine.dispose();
    }
  });

  it('a thinking template (Qwen3): the same greedy thought and answer, the prefix reused', async () => {
    const engine = await createLlamaCppEngine(options(await thinkingChatModel()));
    try {
      const thinking = { thinking: { budget: 6 } };
      const plain = await measured(engine, ask('Why?', thinking));
      await warm(engine, 'qwen');
      await collectGeneration(engine.stream(input({ messages: [user('Clear the slot.')] })));
      const cached = await measured(engine, ask('Why?', thinking, 'qwen'));
      assert.deepEqual(cached.result.candidates, plain.result.candidates);
      assert.ok(cached.result.candidates[0].thoughtTokens > 0, 'it thought');
      assert.ok(cached.evaluated < plain.evaluated / 4, `cached ${cached.evaluated} vs uncached ${plain.evaluated}`);
    } finally {
      await engine.dispose();
    }
  });

  it('a state file deleted or spoilt behind the engine\'s back is dropped, and the request still gives the uncached text', async () => {
    const engine = await createLlamaCppEngine(options(model));
    try {
      const plain = await collectGeneration(engine.stream(ask('Is the lamp lit?')));
      for (const spoil of [unlinkSync, (f: string) => writeFileSync(f, 'not a state')]) {
        await warm(engine, 'broken');
        const [file] = engine.prefixStates().files;
        spoil(file);
        await collectGeneration(engine.stream(input({ messages: [user('Clear the slot.')] })));
        const r = await collectGeneration(engine.stream(ask('Is the lamp lit?', {}, 'broken')));
        assert.deepEqual(texts(r), texts(plain));
        assert.equal(engine.prefixStates().files.length, 0, 'the unloadable state was forgotten');
        // The next request evaluates the prefix again and keeps it (a lazy warm).
        await collectGeneration(engine.stream(input({ messages: [user('Clear the slot.')] })));
        assert.deepEqual(texts(await collectGeneration(engine.stream(ask('Is the lamp lit?', {}, 'broken')))), texts(plain));
        assert.equal(engine.prefixStates().files.length, 1);
        await engine.releaseCachedPrefix('broken');
      }
    } finally {
      await engine.dispose();
    }
  });

  it('a warm aborted by its signal, or by dispose, keeps nothing', async () => {
    const engine = await createLlamaCppEngine(options(model));
    const ac = new AbortController();
    ac.abort(new Error('client gone'));
    await assert.rejects(engine.warmCachedPrefix({ id: 'gone', messages: prefix, signal: ac.signal }));
    assert.equal(engine.prefixStates().files.length, 0);
    const warming = warm(engine, 'late');
    const disposing = engine.dispose();
    await assert.rejects(warming, { code: 'MODEL_UNAVAILABLE' });
    await disposing;
    await assert.rejects(warm(engine, 'after'), { code: 'MODEL_UNAVAILABLE' });
    await engine.releaseCachedPrefix('late'); // after dispose: nothing to free, no error
  });

  it('keeps at most maxPrefixStates (least recently used evicted, file deleted); release deletes; dispose removes the dir', async () => {
    const engine = await createLlamaCppEngine(options(model, { maxPrefixStates: 2 }));
    let dir: string;
    try {
      dir = engine.prefixStates().dir;
      assert.ok(existsSync(dir));
      await warm(engine, 'a');
      const [fileA] = engine.prefixStates().files;
      await warm(engine, 'b');
      const fileB = engine.prefixStates().files[1];
      // Using `a` makes `b` the least recently used one.
      await collectGeneration(engine.stream(ask('Anything?', {}, 'a')));
      await warm(engine, 'c');
      const files = engine.prefixStates().files;
      assert.equal(files.length, 2);
      assert.ok(files.includes(fileA) && existsSync(fileA), 'a, used recently, stays');
      assert.ok(!existsSync(fileB), "b's file was deleted on eviction");
      await engine.releaseCachedPrefix('a');
      assert.ok(!existsSync(fileA), "a's file was deleted on release");
      assert.equal(engine.prefixStates().files.length, 1);
      await engine.releaseCachedPrefix('never-warmed'); // nothing to do, no error
    } finally {
      await engine.dispose();
    }
    assert.ok(!existsSync(dir), 'dispose removed the directory');
  });

  it('keeps at most maxPrefixStateBytes of state files; a single larger state is not kept', async () => {
    let size: number;
    {
      const probe = await createLlamaCppEngine(options(model));
      try {
        await warm(probe, 'probe');
        size = statSync(probe.prefixStates().files[0]).size;
        assert.equal(probe.prefixStates().bytes, size);
      } finally {
        await probe.dispose();
      }
    }
    const engine = await createLlamaCppEngine(options(model, { maxPrefixStateBytes: Math.floor(size * 1.5) }));
    try {
      await warm(engine, 'a');
      const [fileA] = engine.prefixStates().files;
      await warm(engine, 'b');
      assert.equal(engine.prefixStates().files.length, 1, 'two would exceed the bound');
      assert.ok(!existsSync(fileA), "a's file was deleted");
      assert.equal(engine.prefixStates().bytes, size);
    } finally {
      await engine.dispose();
    }
    const tiny = await createLlamaCppEngine(options(model, { maxPrefixStateBytes: Math.floor(size / 2) }));
    try {
      await warm(tiny, 'big');
      assert.deepEqual(tiny.prefixStates().files, []);
      assert.equal(tiny.prefixStates().bytes, 0);
      assert.deepEqual(texts(await collectGeneration(tiny.stream(ask('Still fine?', {}, 'big')))),
        texts(await collectGeneration(tiny.stream(ask('Still fine?')))));
    } finally {
      await tiny.dispose();
    }
  });

  it('refuses to warm a prefix longer than the context, in Google\'s words', async () => {
    const engine = await createLlamaCppEngine(options(model, { contextSize: 256 }));
    try {
      await assert.rejects(warm(engine, 'long'), { code: 'INVALID_ARGUMENT' });
      assert.equal(engine.prefixStates().files.length, 0);
    } finally {
      await engine.dispose();
    }
  });
});
