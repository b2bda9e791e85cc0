import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateEvent } from '../../core/engine.js';
import { keepCallsOnly } from './keep-calls-only.js';
import type { CandidateOutcome } from './stream-candidate.js';

async function run(events: GenerateEvent[]): Promise<GenerateEvent[]> {
  async function* source(): AsyncGenerator<GenerateEvent, CandidateOutcome> {
    yield* events;
    return { finished: true, tokens: 0 };
  }
  const out: GenerateEvent[] = [];
  for await (const e of keepCallsOnly(source())) out.push(e);
  return out;
}

it('drops answer text, giving its tokens to the next call or a final empty delta; keeps thoughts', async () => {
  const thought: GenerateEvent = { type: 'text-delta', candidate: 0, text: 'hm', tokens: 2, thought: true };
  assert.deepEqual(await run([
    thought,
    { type: 'text-delta', candidate: 0, text: 'Sure, ', tokens: 3 },
    { type: 'function-call', candidate: 0, name: 'f', args: {}, tokens: 4 },
    { type: 'text-delta', candidate: 0, text: 'and', tokens: 1 },
    { type: 'finish', candidate: 0, reason: 'max-tokens' },
  ]), [
    thought,
    { type: 'function-call', candidate: 0, name: 'f', args: {}, tokens: 7 },
    { type: 'text-delta', candidate: 0, text: '', tokens: 1 },
    { type: 'finish', candidate: 0, reason: 'max-tokens' },
  ]);
});
