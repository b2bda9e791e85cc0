import { it } from 'node:test';
import assert from 'node:assert/strict';
import { convertToChatHistory, withOpenModelReply } from './convert-to-chat-history.js';

it('convertToChatHistory maps roles and joins parts', () => {
  const history = convertToChatHistory([
    { role: 'system', parts: [{ type: 'text', text: 'S' }] },
    { role: 'user', parts: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    { role: 'model', parts: [{ type: 'text', text: 'M' }] },
  ]);
  assert.deepEqual(history, [
    { type: 'system', text: 'S' },
    { type: 'user', text: 'ab' },
    { type: 'model', response: ['M'] },
  ]);
});

it('withOpenModelReply appends an empty reply unless the history ends with one', () => {
  assert.deepEqual(withOpenModelReply([{ type: 'user', text: 'q' }]), [{ type: 'user', text: 'q' }, { type: 'model', response: [] }]);
  const ending = [{ type: 'model' as const, response: ['pre'] }];
  assert.deepEqual(withOpenModelReply(ending), ending);
});
