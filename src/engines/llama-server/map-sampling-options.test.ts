import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mapSamplingOptions } from './map-sampling-options.js';

it('fills node-llama-cpp defaults, turns min_p and repeat_penalty off, and seeds per candidate', () => {
  assert.deepEqual(mapSamplingOptions({ maxOutputTokens: 100, stopSequences: [] }, 0, 50), {
    temperature: 0, top_k: 40, top_p: 0.95, min_p: 0,
    presence_penalty: 0, frequency_penalty: 0, repeat_penalty: 1, repeat_last_n: 50, n_predict: 50,
  });
  const s = mapSamplingOptions(
    { temperature: 1, topP: 0.5, topK: 3, seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.2, maxOutputTokens: 8, stopSequences: ['', 'END'] },
    2, 8,
  );
  assert.equal(s.seed, 9);
  assert.deepEqual(s.stop, ['END']);
  assert.equal(s.presence_penalty, 0.5);
  assert.equal(s.frequency_penalty, -0.2);
  assert.equal(s.temperature, 1);
});
