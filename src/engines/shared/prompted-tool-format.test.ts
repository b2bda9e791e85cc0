import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileJsonSchemaValidator } from './compile-json-schema-validator.js';
import { promptedReplySchema } from './prompted-tool-format.js';

const book = {
  name: 'book', parameters: {
    type: 'object', $defs: { guest: { type: 'object', properties: { name: { type: 'string', pattern: '^[A-Z]' } }, required: ['name'] } },
    properties: { guest: { $ref: '#/$defs/guest' } }, required: ['guest'],
  },
};
const ping = { name: 'ping' };

test('the prompted reply schema stands alone: each function\'s $refs resolve inside it (an upstream gets it whole)', () => {
  const valid = compileJsonSchemaValidator(promptedReplySchema({ functions: [book, ping], mode: 'any' }));
  assert.equal(valid({ tool_calls: [{ name: 'book', arguments: { guest: { name: 'Ada' } } }] }), undefined);
  assert.notEqual(valid({ tool_calls: [{ name: 'book', arguments: { guest: { name: 'ada' } } }] }), undefined, 'the referenced pattern applies');
  assert.equal(valid({ tool_calls: [{ name: 'ping', arguments: {} }] }), undefined);
  assert.notEqual(valid({ tool_calls: [{ name: 'nope', arguments: {} }] }), undefined);
  assert.notEqual(valid({ response: 'prose' }), undefined, 'mode any: calls only');
  const auto = compileJsonSchemaValidator(promptedReplySchema({ functions: [book], mode: 'auto' }));
  assert.equal(auto({ response: 'prose' }), undefined);
});
