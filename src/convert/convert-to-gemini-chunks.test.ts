import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerateContentResponse } from '../api/gemini/types.js';
import type { GenerateEvent } from '../core/engine.js';
import { convertToGeminiChunks } from './convert-to-gemini-chunks.js';
import type { OutputOptions } from './convert-to-output-parts.js';
import { ThoughtSigner } from './thought-signer.js';

const meta = { modelVersion: 'm', responseId: 'r' };

async function chunksOf(events: GenerateEvent[], opts?: OutputOptions): Promise<GenerateContentResponse[]> {
  async function* gen() { yield* events; }
  const out: GenerateContentResponse[] = [];
  for await (const c of convertToGeminiChunks(gen(), meta, opts)) out.push(c);
  return out;
}
const textOf = (c: GenerateContentResponse) => c.candidates![0].content.parts[0].text;
const signer = new ThoughtSigner(Buffer.alloc(32, 7));
const partsOf = (chunks: GenerateContentResponse[]) => chunks.flatMap((c) => c.candidates![0].content.parts);

test('cumulative usage, finishReason only on the last chunk, text never empty, same id', async () => {
  const chunks = await chunksOf([
    { type: 'prompt', promptTokens: 4 },
    { type: 'text-delta', candidate: 0, text: 'Hello', tokens: 1 },
    { type: 'text-delta', candidate: 0, text: ' world', tokens: 1 },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ]);
  assert.equal(chunks.map(textOf).join(''), 'Hello world');
  assert.ok(chunks.every((c) => textOf(c) !== ''));
  assert.deepEqual(chunks.map((c) => c.usageMetadata?.candidatesTokenCount), [1, 2, 2]);
  assert.deepEqual(chunks.map((c) => c.usageMetadata?.totalTokenCount), [5, 6, 6]);
  assert.deepEqual(chunks.map((c) => c.candidates![0].finishReason), [undefined, undefined, 'STOP']);
  assert.ok(chunks.every((c) => c.responseId === 'r' && c.modelVersion === 'm'));
  assert.deepEqual(chunks.at(-1), {
    candidates: [{ content: { role: 'model', parts: [{ text: 'd' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }] },
    modelVersion: 'm',
    responseId: 'r',
  });
});

test('one-character deltas and surrogate pairs are held back whole', async () => {
  const chunks = await chunksOf([
    { type: 'prompt', promptTokens: 1 },
    { type: 'text-delta', candidate: 0, text: 'a', tokens: 1 },
    { type: 'text-delta', candidate: 0, text: '😀', tokens: 1 },
    { type: 'text-delta', candidate: 0, text: 'b😀', tokens: 1 },
    { type: 'finish', candidate: 0, reason: 'max-tokens' },
  ]);
  assert.deepEqual(chunks.map(textOf), ['a', '😀b', '😀']);
  assert.equal(chunks.at(-1)!.candidates![0].finishReason, 'MAX_TOKENS');
});

test('several candidates: each chunk carries its own index; usage sums all', async () => {
  const chunks = await chunksOf([
    { type: 'prompt', promptTokens: 2 },
    { type: 'text-delta', candidate: 0, text: 'ab', tokens: 1 },
    { type: 'finish', candidate: 0, reason: 'stop' },
    { type: 'text-delta', candidate: 1, text: 'cd', tokens: 1 },
    { type: 'finish', candidate: 1, reason: 'stop' },
  ]);
  assert.deepEqual(chunks.map((c) => [c.candidates![0].index, textOf(c), c.candidates![0].finishReason ?? null]),
    [[0, 'a', null], [0, 'b', 'STOP'], [1, 'c', null], [1, 'd', 'STOP']]);
  assert.equal(chunks.at(-1)!.usageMetadata?.candidatesTokenCount, 2);
});

test('a candidate with no text at all ends with one empty part', async () => {
  const chunks = await chunksOf([{ type: 'prompt', promptTokens: 2 }, { type: 'finish', candidate: 0, reason: 'max-tokens' }]);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0].candidates![0].content.parts, [{ text: '' }]);
});

test('thoughts: own chunks when asked for, counted apart either way; calls get ids and the first one a signature', async () => {
  const events: GenerateEvent[] = [
    { type: 'prompt', promptTokens: 4 },
    { type: 'text-delta', candidate: 0, text: 'let me think', tokens: 3, thought: true },
    { type: 'text-delta', candidate: 0, text: 'Calling', tokens: 1 },
    { type: 'function-call', candidate: 0, name: 'f', args: { a: 1 }, tokens: 5 },
    { type: 'function-call', candidate: 0, name: 'g', args: {}, tokens: 2 },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ];
  const shown = await chunksOf(events, { includeThoughts: true, signatures: { signer, lastPart: true } });
  const parts = partsOf(shown);
  assert.deepEqual(parts, [
    { text: 'let me think', thought: true },
    { text: 'Callin' },
    { text: 'g' },
    { functionCall: { id: 'r-0-0', name: 'f', args: { a: 1 } }, thoughtSignature: signer.sign('r', 0, { kind: 'call', index: 0 }) },
    { functionCall: { id: 'r-0-1', name: 'g', args: {} } },
  ]);
  assert.ok(signer.verify(parts[3].thoughtSignature!));
  assert.equal(shown.at(-1)!.candidates![0].finishReason, 'STOP');
  assert.deepEqual(shown.at(-1)!.usageMetadata, {
    promptTokenCount: 4, candidatesTokenCount: 8, thoughtsTokenCount: 3, totalTokenCount: 15,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
  });
  const hidden = await chunksOf(events);
  assert.ok(hidden.flatMap((c) => c.candidates![0].content.parts).every((p) => !p.thought));
  assert.equal(hidden.at(-1)!.usageMetadata!.thoughtsTokenCount, 3);
});

test('logprobs ride on the chunk that first sends their tokens', async () => {
  const lp = (token: string, logprob: number) => ({ token, tokenId: 1, logprob, top: [{ token, tokenId: 1, logprob }] });
  const chunks = await chunksOf([
    { type: 'prompt', promptTokens: 1 },
    { type: 'text-delta', candidate: 0, text: 'ab', tokens: 1, logprobs: [lp('ab', -0.5)] },
    { type: 'text-delta', candidate: 0, text: 'c', tokens: 1, logprobs: [lp('c', -1.5)] },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ], { includeThoughts: false, logprobsTop: 1 });
  const chosen = chunks.flatMap((c) => c.candidates![0].logprobsResult?.chosenCandidates ?? []);
  assert.deepEqual(chosen.map((c) => [c.token, c.logProbability]), [['ab', -0.5], ['c', -1.5]]);
  assert.equal(chunks[0].candidates![0].avgLogprobs, -0.5);
  assert.deepEqual(chunks[0].candidates![0].logprobsResult!.topCandidates, [{ candidates: [{ token: 'ab', tokenId: 1, logProbability: -0.5 }] }]);
});

test('thought signatures without a call: on the last part of the finishing chunk (Gemini 3 only); none without a signer', async () => {
  const events: GenerateEvent[] = [
    { type: 'prompt', promptTokens: 1 },
    { type: 'text-delta', candidate: 0, text: 'Hello', tokens: 1 },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ];
  const g3 = await chunksOf(events, { includeThoughts: false, signatures: { signer, lastPart: true } });
  assert.deepEqual(partsOf(g3), [{ text: 'Hell' }, { text: 'o', thoughtSignature: signer.sign('r', 0, { kind: 'last' }) }]);
  assert.ok(g3.at(-1)!.candidates![0].finishReason);
  const older = await chunksOf(events, { includeThoughts: false, signatures: { signer, lastPart: false } });
  assert.ok(partsOf(older).every((p) => !p.thoughtSignature));
  assert.ok(partsOf(await chunksOf(events)).every((p) => !p.thoughtSignature));
  const empty = await chunksOf([{ type: 'prompt', promptTokens: 1 }, { type: 'finish', candidate: 0, reason: 'stop' }], { includeThoughts: false, signatures: { signer, lastPart: true } });
  assert.deepEqual(partsOf(empty), [{ text: '', thoughtSignature: signer.sign('r', 0, { kind: 'last' }) }]);
});

test('an engine\'s own signatures go through on the part they came with, and gemserve adds none', async () => {
  const chunks = await chunksOf([
    { type: 'prompt', promptTokens: 1 },
    { type: 'text-delta', candidate: 0, text: 'mull', tokens: 2, thought: true, thoughtSignature: 'Q1RIT1VHSFQ=' },
    { type: 'text-delta', candidate: 0, text: 'Hi', tokens: 1 },
    { type: 'text-delta', candidate: 0, text: '', tokens: 0, thoughtSignature: 'R09PR0xF' },
    { type: 'text-delta', candidate: 0, text: ' there', tokens: 1 },
    { type: 'function-call', candidate: 0, name: 'f', args: {}, tokens: 1, thoughtSignature: 'Q0FMTA==' },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ], { includeThoughts: false, signatures: { signer, lastPart: true } });
  assert.deepEqual(partsOf(chunks), [
    { text: '', thoughtSignature: 'Q1RIT1VHSFQ=' },
    { text: 'H' },
    { text: 'i', thoughtSignature: 'R09PR0xF' },
    { text: ' ther' },
    { text: 'e' },
    { functionCall: { id: 'r-0-0', name: 'f', args: {} }, thoughtSignature: 'Q0FMTA==' },
  ]);
  const shown = await chunksOf([
    { type: 'prompt', promptTokens: 1 },
    { type: 'text-delta', candidate: 0, text: 'mull', tokens: 2, thought: true, thoughtSignature: 'Q1RIT1VHSFQ=' },
    { type: 'text-delta', candidate: 0, text: 'Hi', tokens: 1 },
    { type: 'text-delta', candidate: 0, text: '', tokens: 0, thoughtSignature: 'R09PR0xF' },
    { type: 'finish', candidate: 0, reason: 'stop' },
  ], { includeThoughts: true, signatures: { signer, lastPart: true } });
  assert.deepEqual(partsOf(shown), [
    { text: 'mull', thought: true, thoughtSignature: 'Q1RIT1VHSFQ=' }, { text: 'H' }, { text: 'i', thoughtSignature: 'R09PR0xF' },
  ]);
});
