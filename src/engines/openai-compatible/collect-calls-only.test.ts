import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateEvent } from '../../core/engine.js';
import { collectCallsOnly } from './collect-calls-only.js';

async function* from(events: GenerateEvent[]): AsyncGenerator<GenerateEvent> {
  yield* events;
}
const delta = (text: string, tokens: number, thought = false): GenerateEvent => ({ type: 'text-delta', candidate: 0, text, tokens, ...(thought ? { thought } : {}) });
const call = (name: string, tokens: number): GenerateEvent => ({ type: 'function-call', candidate: 0, name, args: {}, tokens });
const finish = (reason: 'stop' | 'max-tokens' = 'stop'): GenerateEvent => ({ type: 'finish', candidate: 0, reason });
const offered = new Set(['f', 'g']);

it('keeps calls and thoughts; text beside them is dropped, its tokens on the next call or an empty delta', async () => {
  assert.deepEqual(await collectCallsOnly(from([delta('hm', 2, true), delta('Let me check.', 4), call('f', 5), delta(' ok', 1), call('g', 3), delta('.', 1), finish()]), offered), [
    delta('hm', 2, true), call('f', 9), call('g', 4), delta('', 1), finish(),
  ]);
});

it('prose alone, or a call of a function not offered, is no answer', async () => {
  assert.equal(await collectCallsOnly(from([delta('It is sunny.', 4), finish()]), offered), undefined);
  assert.equal(await collectCallsOnly(from([call('h', 4), finish()]), offered), undefined);
});

it('a call cut by the token limit ends as max-tokens with its tokens and no text; prose cut there is no answer', async () => {
  assert.deepEqual(await collectCallsOnly(from([delta('', 2), finish('max-tokens')]), offered), [delta('', 2), finish('max-tokens')]);
  assert.equal(await collectCallsOnly(from([delta('It is', 2), finish('max-tokens')]), offered), undefined);
});
