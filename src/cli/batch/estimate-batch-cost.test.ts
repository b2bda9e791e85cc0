import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceTable } from '../../gateway/usage/price-table.js';
import { estimateBatchCost } from './estimate-batch-cost.js';

const flash = new PriceTable().priceOf('gemini-2.5-flash'); // $0.30 in, $2.50 out, $1.00 audio in, per 1M
const pro = new PriceTable().priceOf('gemini-2.5-pro'); // $1.25 / $10; above 200k prompt tokens $2.50 / $15

test('input at the model\'s price; the bound adds every request\'s maxOutputTokens at the output price', () => {
  // Ten images of 258 tokens plus a 5-token prompt each: what countTokens reports for 2.x models.
  const counts = Array.from({ length: 10 }, () => ({ promptTokens: 263, maxOutputTokens: 200 }));
  const e = estimateBatchCost(counts, flash, { batch: false });
  assert.equal(e.promptTokens, 2630);
  // Each request is rounded to micro-dollars as usage records are: 263 × $0.30 / 1M = 78.9 → 79.
  assert.equal(e.inputMicros, 790);
  assert.equal(e.maxOutputTokens, 2000);
  assert.equal(e.maxCostMicros, 10 * 579); // + 200 × $2.50 / 1M each
  assert.equal(e.priced, true);
});

test('the Batch API halves both figures', () => {
  const e = estimateBatchCost([{ promptTokens: 1_000_000, maxOutputTokens: 1_000_000 }], flash, { batch: true });
  assert.equal(e.inputMicros, 150_000);
  assert.equal(e.maxCostMicros, 150_000 + 1_250_000);
});

test('audio prompt tokens at the audio price; a long prompt at the long tier, request by request', () => {
  const audio = estimateBatchCost([{ promptTokens: 1_000_000, promptByModality: [{ modality: 'AUDIO', tokenCount: 1_000_000 }] }], flash, { batch: false });
  assert.equal(audio.inputMicros, 1_000_000);
  const long = estimateBatchCost([{ promptTokens: 300_000 }, { promptTokens: 100_000 }], pro, { batch: false, defaultMaxOutputTokens: 0 });
  assert.equal(long.inputMicros, 750_000 + 125_000);
});

test('requests without a limit take the model\'s; with neither, no upper bound is claimed', () => {
  const withDefault = estimateBatchCost([{ promptTokens: 10 }, { promptTokens: 10, maxOutputTokens: 100 }], flash, { batch: false, defaultMaxOutputTokens: 1000 });
  assert.equal(withDefault.maxOutputTokens, 1100);
  const unbounded = estimateBatchCost([{ promptTokens: 10, maxOutputTokens: 100 }, { promptTokens: 10 }], flash, { batch: false });
  assert.equal(unbounded.maxOutputTokens, undefined);
  assert.equal(unbounded.maxCostMicros, undefined);
  assert.equal(unbounded.promptTokens, 20);
});

test('a model without a price (a local model) costs nothing and says so', () => {
  const e = estimateBatchCost([{ promptTokens: 500, maxOutputTokens: 50 }], new PriceTable().priceOf('my-local-gguf'), { batch: false });
  assert.deepEqual(e, { requests: 1, promptTokens: 500, inputMicros: 0, maxOutputTokens: 50, maxCostMicros: 0, priced: false, batch: false });
});
