import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateEvent } from '../../core/engine.js';
import type { LlamaServerClient } from './llama-server-client.js';
import { streamCandidate, type CandidateOutcome, type CandidateRequest } from './stream-candidate.js';

/** A client replaying recorded chunks; `closed` tells whether the consumer stopped early. */
function replay(chunks: unknown[]) {
  const state = { closed: false, body: undefined as unknown };
  const client = {
    async *streamJson(_path: string, body: unknown) {
      state.body = body;
      try {
        for (const c of chunks) yield c;
      } finally {
        state.closed = true;
      }
    },
  } as unknown as LlamaServerClient;
  return { client, state };
}

async function run(chunks: unknown[], over: Partial<CandidateRequest> = {}): Promise<{ events: GenerateEvent[]; outcome: CandidateOutcome }> {
  const { client } = replay(chunks);
  const gen = streamCandidate({ client, body: {}, candidate: 0, signal: new AbortController().signal, ...over });
  const events: GenerateEvent[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { events, outcome: r.value };
    events.push(r.value);
  }
}

const chunk = (delta: object, n?: number, extra: object = {}) => ({ choices: [{ delta, finish_reason: null, ...extra }], ...(n ? { timings: { predicted_n: n } } : {}) });
const end = (reason: string, n: number) => [
  { choices: [{ delta: {}, finish_reason: reason }] },
  { choices: [], usage: { prompt_tokens: 7, completion_tokens: n }, timings: { predicted_n: n } },
];

it('native tool calls: one event per call, with every token but the end-of-generation one (as recorded from llama-server)', async () => {
  const { events, outcome } = await run([
    chunk({ role: 'assistant', content: null }, 1), // <tool_call> markup: no output yet
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f' } }] }, 4),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }, 5),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, 6),
    chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }] }, 9),
    ...end('tool_calls', 10),
  ]);
  assert.deepEqual(events, [
    { type: 'function-call', candidate: 0, name: 'f', args: { x: 1 }, tokens: 6 },
    { type: 'function-call', candidate: 0, name: 'g', args: {}, tokens: 3 },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ]);
  assert.equal(outcome.completionTokens, 10);
  assert.equal(outcome.tokens, 9);
});

it('text then a call; a call cut short by the limit is dropped and its tokens end the candidate', async () => {
  const { events } = await run([
    chunk({ content: 'Let me check.' }, 2),
    chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] }, 5),
    ...end('length', 6),
  ]);
  assert.deepEqual(events, [
    { type: 'text-delta', candidate: 0, text: 'Let me check.', tokens: 2 },
    { type: 'text-delta', candidate: 0, text: '', tokens: 4 },
    { type: 'finish', candidate: 0, reason: 'max-tokens' },
  ]);
});

it('reasoning_content becomes thought deltas; logprobs go with the delta of their token', async () => {
  const lp = (id: number) => ({ id, token: `t${id}`, logprob: -1, top_logprobs: [{ id, token: `t${id}`, logprob: -1 }] });
  const { events } = await run([
    chunk({ role: 'assistant', content: null }, 1),
    chunk({ reasoning_content: '\nhm' }, 2, { logprobs: { content: [lp(2)] } }),
    chunk({ content: 'Hi' }, 3, { logprobs: { content: [lp(3)] } }),
    ...end('stop', 4),
  ], { logprobsTop: 1, thoughtPrefill: '\n' });
  assert.deepEqual(events, [
    { type: 'text-delta', candidate: 0, text: 'hm', tokens: 2, thought: true, logprobs: [{ token: 't2', tokenId: 2, logprob: -1, top: [{ token: 't2', tokenId: 2, logprob: -1 }] }] },
    { type: 'text-delta', candidate: 0, text: 'Hi', tokens: 1, logprobs: [{ token: 't3', tokenId: 3, logprob: -1, top: [{ token: 't3', tokenId: 3, logprob: -1 }] }] },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ]);
});

it('stops at the thought budget when llama-server did not, returning the thought so far', async () => {
  const { client, state } = replay([
    chunk({ reasoning_content: 'a' }, 1), chunk({ reasoning_content: 'b' }, 2), chunk({ reasoning_content: 'c' }, 3), ...end('stop', 4),
  ]);
  const gen = streamCandidate({ client, body: { x: 1 }, candidate: 0, signal: new AbortController().signal, thoughtBudget: 2 });
  const events: GenerateEvent[] = [];
  let r = await gen.next();
  for (; !r.done; r = await gen.next()) events.push(r.value);
  assert.deepEqual(events.map((e) => e.type === 'text-delta' && e.text), ['a', 'b']);
  assert.deepEqual(r.value, { finished: false, cutThought: 'ab', tokens: 2 });
  assert.equal(state.closed, true, 'the request is closed, which ends the generation');
  assert.deepEqual(state.body, { x: 1, stream: true, stream_options: { include_usage: true }, timings_per_token: true });
});
