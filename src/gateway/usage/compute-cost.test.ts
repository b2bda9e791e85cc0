import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeCostMicros, type CostInput } from './compute-cost.js';
import { PriceTable } from './price-table.js';

const prices = new PriceTable();
const usage = (over: Partial<CostInput> = {}): CostInput => ({
  method: 'generateContent', promptTokens: 0, candidatesTokens: 0, thoughtsTokens: 0, cachedTokens: 0,
  toolUsePromptTokens: 0, cacheHit: false, ...over,
});
const cost = (model: string, over: Partial<CostInput>) => computeCostMicros(usage(over), prices.priceOf(model));

test('input, output and thoughts at their prices; exact integers, rounded once', () => {
  // 1M prompt tokens of 2.5 Flash cost $0.30; 1M output (thoughts included) $2.50.
  assert.equal(cost('gemini-2.5-flash', { promptTokens: 1_000_000 }), 300_000);
  assert.equal(cost('gemini-2.5-flash', { candidatesTokens: 600_000, thoughtsTokens: 400_000 }), 2_500_000);
  // 7 prompt + 5 candidates + 3 thoughts: 7×0.3 + 8×2.5 = 22.1 µ$ → 22.
  assert.equal(cost('gemini-2.5-flash', { promptTokens: 7, candidatesTokens: 5, thoughtsTokens: 3 }), 22);
  // Half a micro-dollar rounds up: 5 tokens × $0.10/1M = 0.5 µ$.
  assert.equal(cost('gemini-2.0-flash', { promptTokens: 5 }), 1);
  // Many small records do not drift: 3 × 0.1 in floats is 0.30000000000000004.
  assert.equal(cost('gemini-2.0-flash', { promptTokens: 3_000_000 }), 300_000);
});

test('cached tokens (part of the prompt) at the cached price, audio at the audio price, tool-use prompts as input', () => {
  assert.equal(cost('gemini-2.5-flash', { promptTokens: 1_000_000, cachedTokens: 400_000 }), 600_000 * 0.3 + 400_000 * 0.03);
  assert.equal(cost('gemini-2.5-flash', {
    promptTokens: 1_000_000, promptByModality: [{ modality: 'TEXT', tokenCount: 500_000 }, { modality: 'AUDIO', tokenCount: 500_000 }],
  }), 500_000 * 0.3 + 500_000 * 1);
  assert.equal(cost('gemini-2.5-flash', { toolUsePromptTokens: 1_000_000 }), 300_000);
});

test("2.5 Pro's long-prompt tier applies to the whole request above 200k prompt tokens", () => {
  assert.equal(cost('gemini-2.5-pro', { promptTokens: 200_000, candidatesTokens: 1000 }), 200_000 * 1.25 + 1000 * 10);
  assert.equal(cost('gemini-2.5-pro', { promptTokens: 200_001, candidatesTokens: 1000 }), Math.round(200_001 * 2.5 + 1000 * 15));
});

test('batch at 50%; countTokens, cache hits and unpriced models are free', () => {
  assert.equal(cost('gemini-2.5-flash', { promptTokens: 1_000_000, batch: true }), 150_000);
  assert.equal(cost('gemini-2.5-flash', { promptTokens: 1_000_000, method: 'countTokens' }), 0);
  assert.equal(cost('gemini-2.5-flash', { promptTokens: 1_000_000, cacheHit: true }), 0);
  assert.equal(cost('my-local-model', { promptTokens: 1_000_000 }), 0);
});
