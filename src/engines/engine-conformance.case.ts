/**
 * The shared engine conformance suite (cf. hono's `router/common.case.test.ts`): every engine
 * registers it from its own test file and must pass all of it, the fake engine included.
 * It checks the contract of src/core/engine.ts, nothing engine-specific. The optional features
 * (structured output, function calling, thinking, logprobs, embeddings, cached prefixes) are
 * checked on the engines whose capabilities claim them; on the others those tests are skipped,
 * visibly, with the capability they lack.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, Engine, FunctionSpec, GenerateEvent, GenerateInput, SamplingOptions } from '../core/engine.js';

/** Settings of the suite for one engine. */
export interface ConformanceOptions {
  /** Per-test timeout; real models on a slow host need more. Default 60 s. */
  timeoutMs?: number;
  /** How long a stream may take to end after its signal aborts. Default 2 s. */
  abortGraceMs?: number;
  /** Concurrent streams in the concurrency test (exceed the engine's slots to exercise its queue). Default 6. */
  concurrentStreams?: number;
}

const user = (text: string): ChatMessage => ({ role: 'user', parts: [{ type: 'text', text }] });
const PROMPT = [user('Once upon a time')];
const CONVERSATION: ChatMessage[] = [
  { role: 'system', parts: [{ type: 'text', text: 'You tell short stories.' }] },
  user('Tell me a story.'),
  { role: 'model', parts: [{ type: 'text', text: 'Once upon a time, there was a cat.' }] },
  user('And then?'),
];

function input(over: Partial<Omit<GenerateInput, 'sampling'>> & { sampling?: Partial<SamplingOptions> } = {}): GenerateInput {
  return {
    messages: over.messages ?? PROMPT,
    candidateCount: over.candidateCount ?? 1,
    signal: over.signal ?? new AbortController().signal,
    sampling: { maxOutputTokens: 24, stopSequences: [], temperature: 0, seed: 1, ...over.sampling },
  };
}

/** Functions offered in the function-calling tests; their arguments are enums, so a valid call is short. */
const FUNCTIONS: FunctionSpec[] = [
  {
    name: 'get_forecast', description: 'The weather forecast of a city',
    parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Oslo', 'Lima'] } }, required: ['city'] },
  },
  { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'] } },
];

/** Asserts a call names an offered function and its arguments validate against its parameters (required enums only). */
function assertValidCall(ev: GenerateEvent): void {
  assert.equal(ev.type, 'function-call');
  if (ev.type !== 'function-call') return;
  const f = FUNCTIONS.find((fn) => fn.name === ev.name);
  assert.ok(f, `a call of an offered function, got ${JSON.stringify(ev.name)}`);
  const { properties, required } = f.parameters as { properties: Record<string, { enum: string[] }>; required: string[] };
  assert.deepEqual(Object.keys(ev.args).sort(), [...required].sort(), `the required arguments and no others: ${JSON.stringify(ev.args)}`);
  for (const [key, value] of Object.entries(ev.args)) assert.ok(properties[key].enum.includes(value as string), `${ev.name}.${key} = ${JSON.stringify(value)}`);
}

/** A conversation in which the model called a function and the app answered. */
const AFTER_CALL: ChatMessage[] = [
  user('What is the weather in Oslo?'),
  { role: 'model', parts: [{ type: 'function-call', name: 'get_forecast', args: { city: 'Oslo' } }] },
  { role: 'user', parts: [{ type: 'function-response', name: 'get_forecast', response: { forecast: 'snow', celsius: -3 } }] },
];

type TextDelta = Extract<GenerateEvent, { type: 'text-delta' }>;
const textDeltas = (events: GenerateEvent[]) => events.filter((e): e is TextDelta => e.type === 'text-delta');

/** Cache ids unique to this process, so engines that keep state on disk never meet another run's. */
let cacheIds = 0;
const cacheId = (what: string) => `conformance-${process.pid}-${++cacheIds}-${what}`;

async function collect(stream: AsyncIterable<GenerateEvent>): Promise<GenerateEvent[]> {
  const events: GenerateEvent[] = [];
  for await (const ev of stream) events.push(ev);
  return events;
}

interface Candidate { text: string; tokens: number; finishes: GenerateEvent[] }

/** Checks the invariants every stream holds and returns each candidate's text, tokens and finishes. */
function check(events: GenerateEvent[], candidateCount: number): Candidate[] {
  assert.equal(events[0]?.type, 'prompt', 'the first event is `prompt`');
  assert.equal(events.filter((e) => e.type === 'prompt').length, 1, 'exactly one `prompt` event');
  const out: Candidate[] = Array.from({ length: candidateCount }, () => ({ text: '', tokens: 0, finishes: [] }));
  for (const ev of events.slice(1)) {
    assert.notEqual(ev.type, 'prompt');
    if (ev.type === 'prompt') continue;
    assert.ok(Number.isInteger(ev.candidate) && ev.candidate >= 0 && ev.candidate < candidateCount, `candidate index ${ev.candidate} in range`);
    const c = out[ev.candidate];
    if (ev.type === 'finish') {
      c.finishes.push(ev);
      continue;
    }
    assert.equal(c.finishes.length, 0, `no text after candidate ${ev.candidate}'s finish`);
    assert.ok(Number.isInteger(ev.tokens) && ev.tokens >= 0, `delta tokens is a non-negative integer, got ${ev.tokens}`);
    if (ev.type === 'function-call') continue;
    c.text += ev.text;
    c.tokens += ev.tokens;
  }
  return out;
}

/** Runs a complete stream and checks it: one prompt event, one finish per candidate. */
async function run(engine: Engine, inp: GenerateInput) {
  const events = await collect(engine.stream(inp));
  const candidates = check(events, inp.candidateCount);
  for (const [i, c] of candidates.entries()) assert.equal(c.finishes.length, 1, `candidate ${i} gets exactly one finish`);
  const promptTokens = (events[0] as { promptTokens: number }).promptTokens;
  return { events, promptTokens, candidates: candidates.map((c) => ({ ...c, reason: (c.finishes[0] as { reason: string }).reason })) };
}

/** Registers the conformance tests for one engine; `makeEngine` may be called several times. */
export function runEngineConformance(name: string, makeEngine: () => Promise<Engine>, opts: ConformanceOptions = {}): void {
  const timeout = opts.timeoutMs ?? 60_000;
  const grace = opts.abortGraceMs ?? 2_000;

  describe(`engine conformance: ${name}`, { timeout }, () => {
    let engine: Engine;
    before(async () => { engine = await makeEngine(); });
    after(async () => { await engine?.dispose(); });

    it('reports its kind, label and capabilities', () => {
      assert.ok(engine.kind && engine.label);
      assert.ok(engine.capabilities.maxCandidates >= 1);
      assert.ok(engine.capabilities.contextTokens > 0);
    });

    it('starts with exactly one prompt event whose count equals countTokens', { timeout }, async () => {
      for (const messages of [PROMPT, CONVERSATION]) {
        const counted = (await engine.countTokens({ messages })).total;
        assert.ok(Number.isInteger(counted) && counted > 0);
        const { promptTokens } = await run(engine, input({ messages, sampling: { maxOutputTokens: 4 } }));
        assert.equal(promptTokens, counted);
      }
    });

    it('gives candidateCount candidates, each with exactly one finish', { timeout }, async () => {
      const n = Math.min(3, engine.capabilities.maxCandidates);
      const { candidates } = await run(engine, input({ candidateCount: n, sampling: { temperature: 1, seed: 5, maxOutputTokens: 8 } }));
      assert.equal(candidates.length, n);
      for (const c of candidates) assert.ok(c.reason === 'stop' || c.reason === 'max-tokens');
    });

    it('respects maxOutputTokens: tokens sum to the limit and the reason is max-tokens when cut', { timeout }, async (t) => {
      const long = (await run(engine, input({ sampling: { maxOutputTokens: 48 } }))).candidates[0];
      assert.ok(long.tokens <= 48);
      const limit = long.reason === 'max-tokens' ? 3 : Math.min(3, long.tokens - 1);
      if (limit < 1) return t.skip('the output ended naturally after one token: nothing to cut');
      const cut = (await run(engine, input({ sampling: { maxOutputTokens: limit } }))).candidates[0];
      assert.equal(cut.reason, 'max-tokens');
      assert.equal(cut.tokens, limit, 'a cut candidate accounts for exactly maxOutputTokens tokens');
      assert.ok(long.text.startsWith(cut.text), 'the cut text is a prefix of the longer one (same seed, temperature 0)');
    });

    it('never lets a stop sequence into the output', { timeout }, async (t) => {
      const free = (await run(engine, input({ sampling: { maxOutputTokens: 40 } }))).candidates[0];
      const at = Math.floor(free.text.length / 3);
      const stop = free.text.slice(at, at + 3);
      assert.ok(stop.trim().length > 0 || free.text.length < 6, `unusable output for this test: ${JSON.stringify(free.text)}`);
      if (!stop.trim()) return t.skip(`the output is too short to cut a stop sequence from: ${JSON.stringify(free.text)}`);
      const { candidates } = await run(engine, input({ sampling: { maxOutputTokens: 40, stopSequences: [stop, '\u0000never'] } }));
      const c = candidates[0];
      assert.ok(!c.text.includes(stop), `${JSON.stringify(c.text)} must not contain ${JSON.stringify(stop)}`);
      assert.equal(c.reason, 'stop');
      assert.ok(free.text.startsWith(c.text), 'the output is the text before the stop sequence');
    });

    it('gives the same text for the same seed (temperature 0 and 1)', { timeout }, async () => {
      for (const temperature of [0, 1]) {
        const a = (await run(engine, input({ sampling: { temperature, seed: 42, maxOutputTokens: 16 } }))).candidates[0];
        const b = (await run(engine, input({ sampling: { temperature, seed: 42, maxOutputTokens: 16 } }))).candidates[0];
        assert.equal(a.text, b.text);
        assert.equal(a.tokens, b.tokens);
      }
    });

    it('ends promptly when aborted mid-stream, and keeps working afterwards', { timeout }, async () => {
      const ac = new AbortController();
      const n = engine.capabilities.maxCandidates;
      const inp = input({ signal: ac.signal, candidateCount: n, sampling: { temperature: 1, maxOutputTokens: 100_000 } });
      const events: GenerateEvent[] = [];
      let abortedAt = 0;
      try {
        for await (const ev of engine.stream(inp)) {
          events.push(ev);
          if (ev.type === 'text-delta' && !abortedAt) {
            abortedAt = performance.now();
            ac.abort(new Error('client disconnected'));
          }
        }
      } catch (e) {
        // Ending quietly or rejecting with the abort reason are both fine.
        assert.ok(abortedAt, `the stream failed before the abort: ${e}`);
      }
      assert.ok(abortedAt, 'a text-delta arrived before the abort');
      const took = performance.now() - abortedAt;
      assert.ok(took < grace, `ended ${took.toFixed(0)} ms after the abort`);
      assert.ok(events.filter((e) => e.type === 'finish').length < n, 'the stream stopped before finishing every candidate');
      check(events, n);
      await run(engine, input());
    });

    it('ends at once, without text, when the signal is already aborted', { timeout }, async () => {
      const ac = new AbortController();
      ac.abort(new Error('gone'));
      const events: GenerateEvent[] = [];
      const started = performance.now();
      try {
        for await (const ev of engine.stream(input({ signal: ac.signal }))) events.push(ev);
      } catch { /* rejecting with the reason is fine too */ }
      assert.equal(events.filter((e) => e.type === 'text-delta').length, 0);
      assert.ok(performance.now() - started < grace);
    });

    it('completes concurrent streams', { timeout }, async () => {
      const n = opts.concurrentStreams ?? 6;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => run(engine, input({ messages: [user(`Story number ${i}:`)], sampling: { maxOutputTokens: 12, seed: i } }))),
      );
      for (const r of results) assert.equal(r.candidates.length, 1);
    });

    it('honours responseFormat when it claims structuredOutput', { timeout }, async (t) => {
      if (!engine.capabilities.structuredOutput) return t.skip('no structuredOutput');
      const values = ['yes', 'no'];
      const e = await run(engine, { ...input({ sampling: { maxOutputTokens: 16 } }), responseFormat: { type: 'enum', values } });
      assert.equal(e.candidates[0].reason, 'stop');
      assert.ok(values.includes(e.candidates[0].text), `enum reply ${JSON.stringify(e.candidates[0].text)}`);
      const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
      const j = await run(engine, { ...input({ sampling: { maxOutputTokens: 64 } }), responseFormat: { type: 'json', schema } });
      assert.equal(j.candidates[0].reason, 'stop');
      assert.equal(typeof (JSON.parse(j.candidates[0].text) as { ok: unknown }).ok, 'boolean');
      const cut = await run(engine, { ...input({ sampling: { maxOutputTokens: 2 } }), responseFormat: { type: 'json', schema } });
      assert.equal(cut.candidates[0].reason, 'max-tokens', 'an unfinished object is never a stop');
    });

    it('calls functions when it claims functionCalling: mode any gives valid calls and nothing else', { timeout }, async (t) => {
      if (!engine.capabilities.functionCalling) return t.skip('no functionCalling');
      const messages = [user('What is the weather in Oslo?')];
      const tools = { functions: FUNCTIONS, mode: 'any' as const };
      const n = Math.min(2, engine.capabilities.maxCandidates);
      const { events, promptTokens, candidates } = await run(engine, {
        // Room for whole calls: under llama-server's prompted call grammar, random weights spend
        // ~75 tokens on one (the whitespace the grammar allows) and stories260K makes five or six
        // parallel calls; calls cut short by the token limit are no calls.
        ...input({ messages, candidateCount: n, sampling: { temperature: 1, seed: 3, maxOutputTokens: 1024 } }), tools,
      });
      assert.equal(promptTokens, (await engine.countTokens({ messages, tools })).total, 'the prompt, functions included, as countTokens counts it');
      for (const [i, c] of candidates.entries()) {
        const calls = events.filter((e) => e.type === 'function-call' && e.candidate === i);
        assert.ok(calls.length >= 1, `candidate ${i} calls a function`);
        calls.forEach(assertValidCall);
        assert.equal(c.reason, 'stop');
        assert.equal(c.text.trim(), '', `mode any answers with calls only, got ${JSON.stringify(c.text)}`);
      }
    });

    it('takes a function\'s result back when it claims functionCalling (mode auto)', { timeout }, async (t) => {
      if (!engine.capabilities.functionCalling) return t.skip('no functionCalling');
      const tools = { functions: FUNCTIONS, mode: 'auto' as const };
      const { events, promptTokens } = await run(engine, { ...input({ messages: AFTER_CALL, sampling: { maxOutputTokens: 32 } }), tools });
      assert.equal(promptTokens, (await engine.countTokens({ messages: AFTER_CALL, tools })).total);
      events.filter((e) => e.type === 'function-call').forEach(assertValidCall);
    });

    it('thinks within its budget, before answering, when it claims thinking', { timeout }, async (t) => {
      if (!engine.capabilities.thinking) return t.skip('no thinking');
      const thinking = { budget: 4 };
      const { events, promptTokens } = await run(engine, { ...input({ sampling: { maxOutputTokens: 32 } }), thinking });
      assert.equal(promptTokens, (await engine.countTokens({ messages: PROMPT, thinking })).total, 'countTokens counts the thinking prompt');
      const deltas = textDeltas(events);
      const firstAnswer = deltas.findIndex((d) => !d.thought && d.text);
      if (firstAnswer !== -1) assert.ok(deltas.slice(firstAnswer).every((d) => !d.thought), 'no thought after the answer began');
      const thoughtTokens = deltas.filter((d) => d.thought).reduce((sum, d) => sum + d.tokens, 0);
      assert.ok(thoughtTokens <= thinking.budget, `${thoughtTokens} thought tokens for a budget of ${thinking.budget}`);
      const plain = await run(engine, input({ sampling: { maxOutputTokens: 32 } }));
      assert.equal(textDeltas(plain.events).filter((d) => d.thought).length, 0, 'no thoughts unless asked');
    });

    it('reports well-formed log probabilities when it claims logprobs, without changing the text', { timeout }, async (t) => {
      if (!engine.capabilities.logprobs) return t.skip('no logprobs');
      const plain = await run(engine, input({ sampling: { maxOutputTokens: 8 } }));
      for (const d of textDeltas(plain.events)) assert.equal(d.logprobs, undefined, 'none unless asked');
      for (const top of [3, 0]) {
        const { events, candidates } = await run(engine, { ...input({ sampling: { maxOutputTokens: 8 } }), logprobs: { top } });
        assert.equal(candidates[0].text, plain.candidates[0].text, 'the same text as without logprobs');
        for (const d of textDeltas(events).filter((d) => !d.thought)) {
          const lp = d.logprobs ?? [];
          assert.equal(lp.length, d.tokens, `one entry per token of ${JSON.stringify(d.text)}`);
          for (const tok of lp) {
            assert.ok(Number.isFinite(tok.logprob) && tok.logprob <= 0, `logprob ${tok.logprob}`);
            assert.ok(tok.top.length <= top, `${tok.top.length} alternatives for top ${top}`);
            for (let i = 1; i < tok.top.length; i++) assert.ok(tok.top[i - 1].logprob >= tok.top[i].logprob, 'most likely first');
            const same = tok.top.find((alt) => alt.tokenId === tok.tokenId && alt.token === tok.token);
            if (same) assert.equal(same.logprob, tok.logprob, 'the chosen token has the same logprob among the alternatives');
          }
        }
      }
    });

    it('embeds texts when it claims embeddings: one vector each, of its dimensions, equal for equal texts', { timeout }, async (t) => {
      const dimensions = engine.capabilities.embeddings?.dimensions;
      if (!dimensions) return t.skip('no embeddings');
      assert.equal(typeof engine.embed, 'function', 'an engine with embeddings has embed');
      const texts = ['red apple pie', 'a blue whale sings', 'red apple pie'];
      const { vectors, tokens } = await engine.embed!({ texts, signal: new AbortController().signal });
      assert.equal(vectors.length, texts.length);
      for (const v of vectors) {
        assert.equal(v.length, dimensions);
        assert.ok(v.every(Number.isFinite) && v.some((x) => x !== 0), 'finite, not all zero');
      }
      assert.deepEqual(vectors[2], vectors[0], 'the same text, the same vector');
      assert.equal(tokens.length, texts.length);
      assert.ok(tokens.every((n) => Number.isInteger(n) && n >= 0) && tokens.reduce((a, b) => a + b, 0) > 0, `tokens ${tokens}`);
    });

    it('gives the same output for a cachedPrefix it never warmed (an unknown or evicted id)', { timeout }, async () => {
      const plain = await run(engine, input({ messages: CONVERSATION, sampling: { maxOutputTokens: 12 } }));
      const id = cacheId('cold');
      const cached = await run(engine, { ...input({ messages: CONVERSATION, sampling: { maxOutputTokens: 12 } }), cachedPrefix: { id, messageCount: 3 } });
      assert.equal(cached.promptTokens, plain.promptTokens);
      assert.deepEqual(cached.candidates.map((c) => [c.text, c.tokens]), plain.candidates.map((c) => [c.text, c.tokens]));
      await engine.releaseCachedPrefix?.(id);
    });

    it('reuses a warmed cached prefix without changing the output, and works on after releasing it', { timeout }, async (t) => {
      if (!engine.warmCachedPrefix) return t.skip('no warmCachedPrefix (no cached prefixes)');
      const id = cacheId('warm');
      const prefix = CONVERSATION.slice(0, 3);
      const ask = (cached: boolean) => run(engine, {
        ...input({ messages: CONVERSATION, sampling: { maxOutputTokens: 12 } }), ...(cached ? { cachedPrefix: { id, messageCount: prefix.length } } : {}),
      });
      const plain = await ask(false);
      await engine.warmCachedPrefix({ id, messages: prefix, signal: new AbortController().signal });
      await run(engine, input({ messages: [user('Something else.')], sampling: { maxOutputTokens: 2 } }));
      for (const phase of ['warmed', 'released']) {
        const cached = await ask(true);
        assert.equal(cached.promptTokens, plain.promptTokens, `${phase}: promptTokens is the whole prompt`);
        assert.deepEqual(cached.candidates.map((c) => [c.text, c.tokens]), plain.candidates.map((c) => [c.text, c.tokens]), phase);
        await engine.releaseCachedPrefix?.(id);
      }
    });
  });

  describe(`engine conformance: ${name} (dispose)`, { timeout }, () => {
    it('disposes, twice harmlessly, and refuses to stream afterwards', { timeout }, async () => {
      const engine = await makeEngine();
      await run(engine, input({ sampling: { maxOutputTokens: 2 } }));
      await engine.dispose();
      await engine.dispose();
      await engine[Symbol.asyncDispose]();
      await assert.rejects(collect(engine.stream(input())));
    });
  });
}
