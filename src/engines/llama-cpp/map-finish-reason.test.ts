import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mapFinishReason } from './map-finish-reason.js';

it('mapFinishReason: natural ends are stop, maxTokens is max-tokens, abort is unfinished', () => {
  assert.equal(mapFinishReason('eogToken'), 'stop');
  assert.equal(mapFinishReason('stopGenerationTrigger'), 'stop');
  assert.equal(mapFinishReason('customStopTrigger'), 'stop');
  assert.equal(mapFinishReason('maxTokens'), 'max-tokens');
  assert.equal(mapFinishReason('abort'), undefined);
});
