import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type CandidateResult, type GenerateEvent, type GenerateInput, type TokenLogprob } from '../../core/engine.js';
import { isGemserveError } from '../../core/errors.js';
import { asGrammarCounts, personSchema, structuredInput } from '../../../test/fixtures/structured-output-inputs.js';
import { testModels, tinyChatModel } from '../../../test/fixtures/test-models.js';
import { validateJsonSchema } from '../../../test/fixtures/validate-json-schema.js';
import { drain, input, startStreaming } from '../../../test/fixtures/engine-test-inputs.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llama-cpp-engine.js';

const withLogprobs = (inp: GenerateInput, top = 5): GenerateInput => ({ ...inp, logprobs: { top } });
const sampled = (over: Partial<GenerateInput['sampling']> = {}): GenerateInput['sampling'] =>
  ({ maxOutputTokens: 24, stopSequences: [], temperature: 1, seed: 7, ...over });

/** What every logprobs result must satisfy: one entry per counted token, valid, sorted alternatives. */
function assertWellFormed(c: CandidateResult, top: number): TokenLogprob[] {
  const lp = c.logprobs ?? [];
  assert.equal(lp.length, c.tokens, 'one logprob per generated token');
  for (const t of lp) {
    assert.ok(Number.isFinite(t.logprob) && t.logprob <= 0, `logprob ${t.logprob}`);
    assert.ok(t.top.length <= top);
    for (let i = 1; i < t.top.length; i++) assert.ok(t.top[i - 1].logprob >= t.top[i].logprob, 'most likely first');
    for (const alt of t.top) assert.ok(Number.isFinite(alt.logprob) && alt.logprob <= 0);
    const same = t.top.find((alt) => alt.tokenId === t.tokenId);
    if (same) assert.equal(same.logprob, t.logprob, 'the chosen token has the same logprob in top');
    else if (top > 0 && t.top.length === top) assert.ok(t.logprob <= t.top.at(-1)!.logprob, 'a chosen token outside top is less likely');
  }
  return lp;
}

describe('LlamaCppEngine log probabilities (tiny random-weight model)', { timeout: 300_000 }, () => {
  let engine: LlamaCppEngine;
  before(async () => {
    engine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, contextSize: 512, parallel: 1, maxQueue: 4 });
  });
  after(async () => { await engine?.dispose(); });

  it('says it can report log probabilities', () => assert.equal(engine.capabilities.logprobs, true));

  it('greedy: one entry per token, the chosen token is top[0], top has `top` entries, deltas carry their own', async () => {
    const events: GenerateEvent[] = [];
    for await (const e of engine.stream(withLogprobs(input({ max: 16 }), 5))) events.push(e);
    const deltas = events.filter((e): e is Extract<GenerateEvent, { type: 'text-delta' }> => e.type === 'text-delta');
    for (const d of deltas) assert.equal(d.logprobs?.length, d.tokens, 'each delta has one logprob per token it counts');
    const r = await collectGeneration(events as unknown as AsyncIterable<GenerateEvent>);
    const c = r.candidates[0];
    assert.equal(c.finishReason, 'max-tokens');
    assert.equal(c.tokens, 16, 'the deltas account for every generated token');
    const lp = assertWellFormed(c, 5);
    for (const t of lp) {
      assert.equal(t.top.length, 5);
      assert.equal(t.top[0].tokenId, t.tokenId, 'greedy picks the most likely token');
    }
    assert.equal(lp.map((t) => t.token).join(''), c.text, 'the tokens spell the text');
    assert.equal(r.promptTokens, (await engine.countTokens({ messages: input().messages })).total);
  });

  it('greedy or seeded, the text and token count equal the normal path\'s for the same request', async () => {
    for (const sampling of [undefined, sampled(), sampled({ temperature: 0.7, topK: 5, topP: 0.9, seed: 3, presencePenalty: 0.5 })]) {
      const plain = (await collectGeneration(engine.stream(input({ max: 24, sampling })))).candidates[0];
      const lp = (await collectGeneration(engine.stream(withLogprobs(input({ max: 24, sampling }))))).candidates[0];
      assert.equal(lp.text, plain.text, JSON.stringify(sampling));
      assert.equal(lp.tokens, plain.tokens);
      assert.equal(lp.finishReason, plain.finishReason);
    }
  });

  it('sampling: logprobs of the distribution sampled from (top-k survivors, renormalised)', async () => {
    const c = (await collectGeneration(engine.stream(withLogprobs(input({ sampling: sampled({ topK: 3, topP: 1 }) }), 5)))).candidates[0];
    for (const t of assertWellFormed(c, 5)) {
      assert.equal(t.top.length, 3, 'only the 3 tokens top-k kept can be chosen');
      assert.ok(t.top.some((alt) => alt.tokenId === t.tokenId));
      const total = t.top.reduce((s, alt) => s + Math.exp(alt.logprob), 0);
      assert.ok(Math.abs(total - 1) < 1e-4, `probabilities sum to ${total}`);
    }
  });

  it('top 0 gives no alternatives; candidates each get their own logprobs', async () => {
    const r = await collectGeneration(engine.stream({ ...withLogprobs(input({ sampling: sampled({ maxOutputTokens: 6 }) }), 0), candidateCount: 2 }));
    assert.equal(r.candidates.length, 2);
    for (const c of r.candidates) {
      assert.equal(assertWellFormed(c, 0).length, 6);
      assert.ok(c.logprobs!.every((t) => t.top.length === 0));
    }
    assert.notDeepEqual(r.candidates[0].logprobs, r.candidates[1].logprobs, 'seed + candidate index differ');
  });

  it('stops before a stop sequence: not in the text, its tokens neither counted nor reported', async () => {
    const full = (await collectGeneration(engine.stream(withLogprobs(input({ max: 40 }))))).candidates[0];
    const lp = full.logprobs!;
    // A stop made of the text of tokens 10 and 11 (whole tokens), and one starting inside token 20,
    // which keeps that token (its text begins before the stop).
    const at = (i: number) => lp.slice(0, i).map((t) => t.token).join('').length;
    const cases = [
      { stop: full.text.slice(at(10), at(12)), cut: at(10), tokens: 10 },
      { stop: full.text.slice(at(20) + 1, at(21) + 2), cut: at(20) + 1, tokens: 21 },
    ];
    let checked = 0;
    for (const { stop, cut, tokens } of cases) {
      if (!stop.trim() || full.text.indexOf(stop) !== cut || at(21) - at(20) < 2) continue; // must cut exactly there
      checked++;
      const c = (await collectGeneration(engine.stream(withLogprobs(input({ max: 40, stop: [stop] }))))).candidates[0];
      assert.equal(c.finishReason, 'stop');
      assert.equal(c.text, full.text.slice(0, cut));
      assert.ok(!c.text.includes(stop));
      assert.equal(c.tokens, tokens, `stop ${JSON.stringify(stop)}`);
      const got = assertWellFormed(c, 5);
      assert.deepEqual(got.map((t) => t.tokenId), lp.slice(0, tokens).map((t) => t.tokenId));
      // Equal up to float noise: a reused prompt prefix is evaluated in other batches.
      got.forEach((t, i) => assert.ok(Math.abs(t.logprob - lp[i].logprob) < 1e-4));
    }
    assert.ok(checked > 0, 'the greedy text had a usable stop sequence');
  });

  it('honours maxOutputTokens: exactly that many tokens and logprobs, max-tokens', async () => {
    const c = (await collectGeneration(engine.stream(withLogprobs(input({ max: 3 }))))).candidates[0];
    assert.equal(c.finishReason, 'max-tokens');
    assert.equal(c.tokens, 3);
    assert.equal(assertWellFormed(c, 5).length, 3);
  });

  it('an abort ends the stream promptly without a finish, and frees the slot', async () => {
    const ac = new AbortController();
    const running = await startStreaming(engine, withLogprobs(input({ signal: ac.signal, max: 100_000 })));
    const t = performance.now();
    ac.abort(new Error('client disconnected'));
    const rest = await drain(running);
    assert.ok(performance.now() - t < 2_000);
    assert.equal(rest.filter((e) => e.type === 'finish').length, 0);
    assert.equal(engine.stats().busy, 0);
    const next = await collectGeneration(engine.stream(withLogprobs(input({ max: 2 }))));
    assert.equal(next.candidates[0].tokens, 2);
  });

  it('frees the slot when the consumer stops iterating early', async () => {
    const it = await startStreaming(engine, withLogprobs(input({ max: 100_000 })));
    await it.return?.();
    assert.equal(engine.stats().busy, 0);
    const plain = (await collectGeneration(engine.stream(input({ max: 8 })))).candidates[0];
    assert.equal(plain.tokens, 8, 'the normal path works on the sequence afterwards');
  });

  it('ends a stream in flight with MODEL_UNAVAILABLE when disposed, even one the consumer is not pulling', async () => {
    const own = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, contextSize: 512, parallel: 1 });
    const running = await startStreaming(own, withLogprobs(input({ max: 100_000 })));
    const t = performance.now();
    await own.dispose(); // the stream sits at a yield meanwhile
    assert.ok(performance.now() - t < 2_000);
    await assert.rejects(drain(running), (e: unknown) => isGemserveError(e) && e.code === 'MODEL_UNAVAILABLE');
  });

  it('structured output still yields valid JSON, with logprobs of the grammar-constrained choices', async () => {
    let stopped = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const c = (await collectGeneration(engine.stream(withLogprobs(structuredInput({ type: 'json', schema: personSchema }, 400, seed), 3)))).candidates[0];
      assertWellFormed(c, 3);
      if (c.finishReason !== 'stop') continue;
      stopped++;
      const value = JSON.parse(asGrammarCounts(c.text)) as Record<string, unknown>;
      assert.equal(validateJsonSchema(value, personSchema), undefined, `seed ${seed}: ${c.text}`);
    }
    assert.ok(stopped >= 3, `${stopped} of 6 finished`);
    // Greedy, the grammar picks the same tokens as the normal path.
    const greedy = structuredInput({ type: 'json', schema: personSchema }, 200);
    greedy.sampling.temperature = 0;
    const plain = (await collectGeneration(engine.stream(greedy))).candidates[0];
    const lp = (await collectGeneration(engine.stream(withLogprobs(greedy)))).candidates[0];
    assert.equal(lp.text, plain.text);
    assert.equal(lp.finishReason, plain.finishReason);
  });

  it('refuses logprobs together with tools or thinking (400), allows a thinking budget of 0', async () => {
    const tools = { functions: [{ name: 'f' }], mode: 'auto' as const };
    for (const over of [{ tools }, { thinking: { budget: 'dynamic' as const } }]) {
      await assert.rejects(collectGeneration(engine.stream({ ...withLogprobs(input()), ...over })), (e: unknown) =>
        isGemserveError(e) && e.httpStatus === 400 && /responseLogprobs/.test(e.message));
    }
    const r = await collectGeneration(engine.stream({ ...withLogprobs(input({ max: 2 })), thinking: { budget: 0 } }));
    assert.equal(r.candidates[0].logprobs?.length, 2);
  });
});

// A trained model ends its stories itself (EOS, or BOS: PlainTextChatWrapper's stop triggers).
const stories = (await testModels()).find((m) => m.name === 'stories260K');

describe('LlamaCppEngine log probabilities on stories260K', { timeout: 300_000, skip: !stories && 'needs ../shared/models' }, () => {
  let engine: LlamaCppEngine;
  before(async () => { engine = await createLlamaCppEngine({ modelPath: stories!.path, contextSize: 512, parallel: 1 }); });
  after(async () => { await engine?.dispose(); });

  it('ends where the normal path ends, with the same text and tokens, greedy, sampled, and at a stop sequence', async () => {
    for (const sampling of [undefined, sampled({ maxOutputTokens: 480, seed: 5 }), sampled({ maxOutputTokens: 480, seed: 5, stopSequences: ['Lily'] })]) {
      const plain = (await collectGeneration(engine.stream(input({ max: 480, sampling })))).candidates[0];
      const lp = (await collectGeneration(engine.stream(withLogprobs(input({ max: 480, sampling }), 2)))).candidates[0];
      assert.equal(lp.finishReason, 'stop');
      assert.equal(lp.text, plain.text);
      assert.equal(lp.tokens, plain.tokens);
      assertWellFormed(lp, 2);
    }
  });
});
