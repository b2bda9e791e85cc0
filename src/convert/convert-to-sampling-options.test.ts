import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { convertToSamplingOptions } from './convert-to-sampling-options.js';

const catalog = new ModelCatalog([
  { id: 'gemini-2.0-flash', engine: new FakeEngine() },
  { id: 'gemini-1.5-flash-002', engine: new FakeEngine() },
  { id: 'small-context', engine: new FakeEngine({ contextTokens: 2048 }), definition: { outputTokenLimit: 100_000 } },
]);
const entry = (id: string) => catalog.get(id)!;

test('defaults: the model\'s listed sampling defaults, output limit, no stop sequences, one candidate', () => {
  assert.deepEqual(convertToSamplingOptions(undefined, entry('gemini-2.0-flash')), {
    sampling: { temperature: 1, topP: 0.95, topK: 40, maxOutputTokens: 8192, stopSequences: [] },
    candidateCount: 1,
  });
});

test('explicit values pass through', () => {
  const plan = convertToSamplingOptions(
    { temperature: 0.2, topP: 0.5, topK: 7, maxOutputTokens: 64, stopSequences: ['END'], seed: 42, presencePenalty: 0.5, frequencyPenalty: -0.5, candidateCount: 3 },
    entry('gemini-2.0-flash'),
  );
  assert.deepEqual(plan, {
    sampling: { temperature: 0.2, topP: 0.5, topK: 7, maxOutputTokens: 64, stopSequences: ['END'], seed: 42, presencePenalty: 0.5, frequencyPenalty: -0.5 },
    candidateCount: 3,
  });
});

test('empty stop sequences are dropped', () => {
  assert.deepEqual(convertToSamplingOptions({ stopSequences: ['', 'END'] }, entry('gemini-2.0-flash')).sampling.stopSequences, ['END']);
});

test('top_k above the 002 models\' ceiling is clamped to 40, never refused; 0 means the default', () => {
  assert.equal(convertToSamplingOptions({ topK: 100 }, entry('gemini-1.5-flash-002')).sampling.topK, 40);
  assert.equal(convertToSamplingOptions({ topK: 100 }, entry('gemini-2.0-flash')).sampling.topK, 100);
  assert.equal(convertToSamplingOptions({ topK: 0 }, entry('gemini-2.0-flash')).sampling.topK, 40);
});

test('maxOutputTokens is capped by the model\'s output limit and the engine\'s context', () => {
  assert.equal(convertToSamplingOptions({ maxOutputTokens: 100_000 }, entry('gemini-2.0-flash')).sampling.maxOutputTokens, 8192);
  assert.equal(convertToSamplingOptions(undefined, entry('small-context')).sampling.maxOutputTokens, 2048);
  assert.equal(convertToSamplingOptions({ maxOutputTokens: 5000 }, entry('small-context')).sampling.maxOutputTokens, 2048);
});
