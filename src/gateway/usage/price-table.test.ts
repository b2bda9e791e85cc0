import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PriceTable } from './price-table.js';

test("Google's defaults in micro-dollars per 1M tokens; version suffixes share the model's price", () => {
  const t = new PriceTable();
  assert.deepEqual(t.priceOf('gemini-2.5-flash'), { input: 300_000, inputAudio: 1_000_000, output: 2_500_000, cached: 30_000, cachedAudio: 100_000 });
  assert.deepEqual(t.priceOf('models/gemini-2.5-flash'), t.priceOf('gemini-2.5-flash'));
  assert.deepEqual(t.priceOf('gemini-2.5-flash-preview-05-20'), t.priceOf('gemini-2.5-flash'));
  assert.deepEqual(t.priceOf('gemini-1.5-flash-002'), t.priceOf('gemini-1.5-flash'));
  // Other models sharing a prefix are not the same model.
  assert.equal(t.priceOf('gemini-2.5-flash-lite')?.input, 100_000);
  assert.equal(t.priceOf('gemini-2.5-flash-image-preview'), undefined);
  assert.equal(t.priceOf('gemini-2.0-flash-thinking-exp-01-21'), undefined, 'experimental models are free');
  assert.equal(t.priceOf('my-local-model'), undefined);
  assert.deepEqual(t.priceOf('gemini-2.5-pro')?.longPrompt,
    { aboveTokens: 200_000, input: 2_500_000, inputAudio: 2_500_000, output: 15_000_000, cached: 250_000, cachedAudio: 250_000 });
});

test('overrides change fields, add models and make models free; bad prices are refused', () => {
  const t = new PriceTable({ 'models/gemini-2.5-flash': { input: 0.25 }, 'my-model': { input: 0.1, output: 0.4 }, 'gemini-2.0-flash': null });
  assert.equal(t.priceOf('gemini-2.5-flash')?.input, 250_000);
  assert.equal(t.priceOf('gemini-2.5-flash')?.output, 2_500_000);
  assert.deepEqual(t.priceOf('my-model'), { input: 100_000, inputAudio: 100_000, output: 400_000, cached: 100_000, cachedAudio: 100_000 });
  assert.equal(t.priceOf('gemini-2.0-flash'), undefined);
  assert.equal(t.list()['my-model'].output, 0.4);
  assert.throws(() => new PriceTable({ x: { input: -1, output: 1 } }), /x\.input must be a non-negative number/);
});
