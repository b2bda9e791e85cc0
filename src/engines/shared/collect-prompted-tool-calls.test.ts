import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateEvent } from '../../core/engine.js';
import { collectPromptedToolCalls } from './collect-prompted-tool-calls.js';

async function run(events: GenerateEvent[]): Promise<GenerateEvent[]> {
  async function* source(): AsyncGenerator<GenerateEvent, { finished: boolean }> {
    yield* events;
    return { finished: true };
  }
  const out: GenerateEvent[] = [];
  for await (const e of collectPromptedToolCalls(source())) out.push(e);
  return out;
}
const delta = (text: string, tokens: number, thought = false): GenerateEvent => ({ type: 'text-delta', candidate: 0, text, tokens, ...(thought ? { thought } : {}) });

it('splits the tokens between calls at the delta where each call closed', async () => {
  const out = await run([
    delta('t', 2, true),
    delta('{"tool_calls":[{"name":"f",', 4), delta('"arguments":{"a":1}}', 3), delta(',{"name":"g","arg', 2), delta('uments":{}}]}', 2),
    { type: 'finish', candidate: 0, reason: 'stop' },
  ]);
  assert.deepEqual(out, [
    delta('t', 2, true),
    { type: 'function-call', candidate: 0, name: 'f', args: { a: 1 }, tokens: 7 },
    { type: 'function-call', candidate: 0, name: 'g', args: {}, tokens: 4 },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ]);
});

it('a text answer becomes one delta; a reply cut short an empty one with its tokens', async () => {
  assert.deepEqual(await run([delta('{"response":', 2), delta('"hi"}', 2), { type: 'finish', candidate: 0, reason: 'stop' }]),
    [delta('hi', 4), { type: 'finish', candidate: 0, reason: 'stop' }]);
  assert.deepEqual(await run([delta('{"tool_calls":[{"na', 5), { type: 'finish', candidate: 0, reason: 'max-tokens' }]),
    [delta('', 5), { type: 'finish', candidate: 0, reason: 'max-tokens' }]);
});

it('a reply a stop sequence cut short is no call either', async () => {
  assert.deepEqual(await run([delta('{"tool_calls":[{"na', 5), { type: 'finish', candidate: 0, reason: 'stop' }]),
    [delta('', 5), { type: 'finish', candidate: 0, reason: 'stop' }]);
});
