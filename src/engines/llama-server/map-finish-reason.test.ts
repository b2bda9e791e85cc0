import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mapFinishReason } from './map-finish-reason.js';

it('mapFinishReason maps stop and tool_calls to stop, length to max-tokens, anything else to undefined', () => {
  assert.equal(mapFinishReason('stop'), 'stop');
  assert.equal(mapFinishReason('tool_calls'), 'stop');
  assert.equal(mapFinishReason('length'), 'max-tokens');
  assert.equal(mapFinishReason(null), undefined);
  assert.equal(mapFinishReason('whatever'), undefined);
});
