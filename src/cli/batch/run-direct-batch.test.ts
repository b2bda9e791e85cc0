import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateContentResponse } from '../../api/gemini/types.js';
import type { BatchInput } from './batch-input.js';
import { runDirectBatch, type Generate } from './run-direct-batch.js';

const input = (key: string, refused?: string): BatchInput => ({
  key, prompt: key, ...(refused ? { refused } : {}), load: async () => ({ contents: [{ role: 'user', parts: [{ text: key }] }] }),
});

const answer = (text: string): GenerateContentResponse => ({
  candidates: [{ index: 0, content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
  modelVersion: 'm', responseId: 'r',
});

test('at most `concurrency` requests at once; results in input order; refused inputs fail unsent', async () => {
  let inFlight = 0;
  let peak = 0;
  const sent: string[] = [];
  const generate: Generate = async (req) => {
    const text = req.contents[0].parts[0].text!;
    sent.push(text);
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, text === 'a' ? 30 : 5));
    inFlight--;
    return text === 'c'
      ? { ok: false, attempts: 1, error: { httpStatus: 400, status: 'INVALID_ARGUMENT', message: 'bad c' } }
      : { ok: true, attempts: 1, body: answer(`re ${text}`) };
  };
  const progress: string[] = [];
  const { results, interrupted } = await runDirectBatch({
    inputs: ['a', 'b', 'c', 'd', 'e'].map((k) => input(k, k === 'd' ? 'too big' : undefined)),
    concurrency: 2, generate, price: undefined, interrupt: new AbortController().signal,
    onProgress: (c) => progress.push(`${c.done}/${c.total}:${c.failed}`),
  });
  assert.equal(peak, 2);
  assert.equal(interrupted, false);
  assert.deepEqual(sent.sort(), ['a', 'b', 'c', 'e']);
  assert.deepEqual(results.map((r) => [r.key, r.ok, r.text ?? r.error?.message]),
    [['a', true, 're a'], ['b', true, 're b'], ['c', false, 'bad c'], ['d', false, 'too big'], ['e', true, 're e']]);
  assert.equal(progress[0], '1/5:1'); // the refused one is settled before anything is sent
  assert.equal(progress.at(-1), '5/5:2');
  assert.ok(results[0].latencyMs !== undefined && results[0].latencyMs >= 25);
  assert.deepEqual(results[0].tokens, { prompt: 3, output: 2, thoughts: 0, total: 5 });
});

test('interrupted: requests in flight finish, none start after; refused inputs are still reported', async () => {
  const stop = new AbortController();
  const generate: Generate = async (req) => {
    if (req.contents[0].parts[0].text === 'b') stop.abort();
    await new Promise((r) => setTimeout(r, 5));
    return { ok: true, attempts: 1, body: answer('ok') };
  };
  const { results, interrupted } = await runDirectBatch({
    inputs: ['a', 'b', 'c', 'd', 'e'].map((k) => input(k, k === 'e' ? 'not an image' : undefined)), concurrency: 2, generate, price: undefined, interrupt: stop.signal,
  });
  assert.equal(interrupted, true);
  // The refused input is reported even though the batch never reached it.
  assert.deepEqual(results.map((r) => [r.key, r.ok]), [['a', true], ['b', true], ['e', false]]);
});
