import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mapLogprobs, requestedTopLogprobs } from './map-logprobs.js';

it('maps entries, keeping `top` alternatives; asks for one when top is 0', () => {
  const entries = [{ id: 5, token: ' a', logprob: -0.1, top_logprobs: [{ id: 5, token: ' a', logprob: -0.1 }, { id: 9, token: ' b', logprob: -2.5 }] }];
  assert.deepEqual(mapLogprobs(entries, 1), [{ token: ' a', tokenId: 5, logprob: -0.1, top: [{ token: ' a', tokenId: 5, logprob: -0.1 }] }]);
  assert.deepEqual(mapLogprobs(entries, 0)[0].top, []);
  assert.equal(requestedTopLogprobs(0), 1);
  assert.equal(requestedTopLogprobs(5), 5);
});
