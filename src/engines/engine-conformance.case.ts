/**
 * The shared engine conformance suite (cf. hono's `router/common.case.test.ts`): every engine
 * registers it from its own test file and must pass all of it, the fake engine included.
 * It checks the contract of src/core/engine.ts, nothing engine-specific.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, Engine, GenerateEvent, GenerateInput, SamplingOptions } from '../core/engine.js';

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

    it('respects maxOutputTokens: tokens sum to the limit and the reason is max-tokens when cut', { timeout }, async () => {
      const long = (await run(engine, input({ sampling: { maxOutputTokens: 48 } }))).candidates[0];
      assert.ok(long.tokens <= 48);
      const limit = long.reason === 'max-tokens' ? 3 : Math.min(3, long.tokens - 1);
      if (limit < 1) return; // ended naturally after one token: nothing to cut
      const cut = (await run(engine, input({ sampling: { maxOutputTokens: limit } }))).candidates[0];
      assert.equal(cut.reason, 'max-tokens');
      assert.equal(cut.tokens, limit, 'a cut candidate accounts for exactly maxOutputTokens tokens');
      assert.ok(long.text.startsWith(cut.text), 'the cut text is a prefix of the longer one (same seed, temperature 0)');
    });

    it('never lets a stop sequence into the output', { timeout }, async () => {
      const free = (await run(engine, input({ sampling: { maxOutputTokens: 40 } }))).candidates[0];
      const at = Math.floor(free.text.length / 3);
      const stop = free.text.slice(at, at + 3);
      assert.ok(stop.trim().length > 0 || free.text.length < 6, `unusable output for this test: ${JSON.stringify(free.text)}`);
      if (!stop.trim()) return;
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
