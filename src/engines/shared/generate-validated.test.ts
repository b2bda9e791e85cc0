import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerateEvent } from '../../core/engine.js';
import { compileJsonSchemaValidator } from './compile-json-schema-validator.js';
import {
  checkFunctionCalls, checkJsonAnswer, generateValidated, MAX_GENERATION_ATTEMPTS, RETRY_TEMPERATURE, samplingForAttempt, validationCounters,
} from './generate-validated.js';

/** A candidate that writes `texts[n]` on attempt n, then finishes with `reason`. */
function attempts(texts: string[], reason: 'stop' | 'max-tokens' = 'stop') {
  const tried: number[] = [];
  return {
    tried,
    attempt: async function* (n: number): AsyncGenerator<GenerateEvent, string> {
      tried.push(n);
      yield { type: 'text-delta', candidate: 0, text: texts[Math.min(n, texts.length - 1)], tokens: 3 };
      yield { type: 'finish', candidate: 0, reason };
      return `outcome ${n}`;
    },
  };
}

async function drain<R>(gen: AsyncGenerator<GenerateEvent, R>): Promise<{ events: GenerateEvent[]; result: R }> {
  const events: GenerateEvent[] = [];
  let step = await gen.next();
  while (!step.done) { events.push(step.value); step = await gen.next(); }
  return { events, result: step.value };
}

const even = checkJsonAnswer(compileJsonSchemaValidator({ type: 'integer', multipleOf: 2 }));

test('an invalid answer is generated again; only the valid attempt is answered', async () => {
  const before = { ...validationCounters };
  const run = attempts(['1', '3', '4']);
  const { events, result } = await drain(generateValidated({ attempt: run.attempt, check: even }));
  assert.deepEqual(run.tried, [0, 1, 2]);
  assert.deepEqual(events.map((e) => (e.type === 'text-delta' ? e.text : e.type)), ['4', 'finish']);
  assert.equal(result, 'outcome 2');
  assert.equal(validationCounters.resampled - before.resampled, 2);
  assert.equal(validationCounters.invalid - before.invalid, 0);
});

test(`after ${MAX_GENERATION_ATTEMPTS} attempts the last is answered as it is (finish reason untouched)`, async () => {
  const before = { ...validationCounters };
  const run = attempts(['1', '3', '5', '6']);
  const { events } = await drain(generateValidated({ attempt: run.attempt, check: even }));
  assert.deepEqual(run.tried, [0, 1, 2]);
  assert.deepEqual(events.map((e) => (e.type === 'text-delta' ? e.text : e.type === 'finish' ? e.reason : e.type)), ['5', 'stop']);
  assert.equal(validationCounters.invalid - before.invalid, 1);
});

test('a candidate cut short by the token limit is answered at once, unchecked', async () => {
  const run = attempts(['{"a'], 'max-tokens');
  const { events } = await drain(generateValidated({ attempt: run.attempt, check: even }));
  assert.deepEqual(run.tried, [0]);
  assert.equal(events.length, 2);
});

test('calls are checked against their own function\'s schema', () => {
  const check = checkFunctionCalls(new Map([['f', compileJsonSchemaValidator({ type: 'object', properties: { n: { multipleOf: 2 } } })]]));
  const call = (name: string, n: number): GenerateEvent => ({ type: 'function-call', candidate: 0, name, args: { n }, tokens: 1 });
  assert.equal(check([call('f', 2), call('g', 3)]), undefined);
  assert.match(check([call('f', 3)]) ?? '', /^f: /);
});

test('retries sample anew: another seed, and a temperature above 0', () => {
  const s = { maxOutputTokens: 10, stopSequences: [], seed: 5 };
  assert.equal(samplingForAttempt(s, 0), s);
  assert.deepEqual(samplingForAttempt(s, 2), { ...s, seed: 21, temperature: RETRY_TEMPERATURE });
  assert.equal(samplingForAttempt({ ...s, temperature: 0.3 }, 1).temperature, 0.3);
});
