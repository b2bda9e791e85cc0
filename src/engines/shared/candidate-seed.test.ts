import { it } from 'node:test';
import assert from 'node:assert/strict';
import { candidateSeed, LLAMA_RANDOM_SEED } from './candidate-seed.js';

it('candidateSeed adds the candidate index, wraps to uint32 and avoids the "random" seed', () => {
  assert.equal(candidateSeed(42, 0), 42);
  assert.equal(candidateSeed(42, 3), 45);
  assert.equal(candidateSeed(2 ** 32 - 2, 2), 0);
  assert.equal(candidateSeed(LLAMA_RANDOM_SEED - 1, 1), LLAMA_RANDOM_SEED - 1);
  assert.equal(candidateSeed(-1, 0), LLAMA_RANDOM_SEED - 1);
});
