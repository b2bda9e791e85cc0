import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceTable } from '../../gateway/usage/price-table.js';
import { resultFromError, resultFromResponse } from './batch-result.js';

const flash = new PriceTable().priceOf('gemini-2.5-flash');
const input = { key: 'a.png', file: 'a.png', prompt: 'Describe.' };

test('an answer: its text without thoughts, tokens and cost from usageMetadata (thinking billed as output)', () => {
  const r = resultFromResponse(input, {
    candidates: [{ index: 0, finishReason: 'STOP', content: { role: 'model', parts: [{ text: 'hmm', thought: true }, { text: 'A red ' }, { text: 'square.' }] } }],
    usageMetadata: { promptTokenCount: 264, candidatesTokenCount: 4, thoughtsTokenCount: 10, totalTokenCount: 278 },
    modelVersion: 'gemini-2.5-flash', responseId: 'r',
  }, { price: flash, batch: false, latencyMs: 812.4, attempts: 2 });
  assert.deepEqual(Object.keys(r), ['key', 'file', 'prompt', 'ok', 'text', 'finishReason', 'tokens', 'costUsd', 'latencyMs', 'attempts', 'response']);
  assert.equal(r.text, 'A red square.');
  assert.deepEqual(r.tokens, { prompt: 264, output: 4, thoughts: 10, total: 278 });
  assert.equal(r.costUsd, 0.000114); // 264 × $0.30 + 14 × $2.50 per 1M = 79.2 + 35 → 114 micro-dollars
  assert.equal(r.latencyMs, 812);
});

test('a blocked prompt (no candidate) is a failure, with its tokens still counted', () => {
  const r = resultFromResponse(input, {
    promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 264, totalTokenCount: 264 }, modelVersion: 'm', responseId: 'r',
  }, { price: flash, batch: true });
  assert.equal(r.ok, false);
  assert.equal(r.error?.message, 'prompt blocked (SAFETY)');
  assert.equal(r.tokens?.prompt, 264);
  assert.equal(r.costUsd, 0.00004); // 264 × $0.30 / 1M halved = 39.6 → 40
});

test('an error keeps the server\'s status and message', () => {
  assert.deepEqual(resultFromError(input, { httpStatus: 400, status: 'INVALID_ARGUMENT', message: 'bad' }, { latencyMs: 20, attempts: 1 }),
    { ...input, ok: false, error: { httpStatus: 400, status: 'INVALID_ARGUMENT', message: 'bad' }, latencyMs: 20, attempts: 1 });
});
