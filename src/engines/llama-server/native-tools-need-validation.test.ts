import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeToolsNeedValidation } from './native-tools-need-validation.js';

test('native calls are validated where llama.cpp\'s converter may miss a keyword, not otherwise', () => {
  assert.equal(nativeToolsNeedValidation({ type: 'object', properties: { a: { type: 'string', enum: ['x'] }, n: { type: 'integer' } }, required: ['a'] }), false);
  assert.equal(nativeToolsNeedValidation({ type: 'object', properties: { n: { type: 'number', minimum: 0 } } }), true);
  assert.equal(nativeToolsNeedValidation({ type: 'object', properties: { s: { type: 'string', pattern: '^a$' } } }), true);
  assert.equal(nativeToolsNeedValidation({ type: 'object', properties: { s: { type: 'string', format: 'email' } } }), true);
  assert.equal(nativeToolsNeedValidation({ type: 'array', uniqueItems: true }), true);
});
