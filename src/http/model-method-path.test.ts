import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelMethodPath } from './model-method-path.js';

test('model ids with slashes and colons; the method follows the last colon', () => {
  assert.deepEqual(parseModelMethodPath('gemini-2.0-flash:generateContent'), { model: 'gemini-2.0-flash', method: 'generateContent' });
  assert.deepEqual(parseModelMethodPath('qwen/qwen3:streamGenerateContent'), { model: 'qwen/qwen3', method: 'streamGenerateContent' });
  assert.deepEqual(parseModelMethodPath('qwen3:8b:countTokens'), { model: 'qwen3:8b', method: 'countTokens' });
  assert.equal(parseModelMethodPath('gemini-2.0-flash'), undefined);
  assert.equal(parseModelMethodPath(':generateContent'), undefined);
  assert.equal(parseModelMethodPath('m:gen-content'), undefined);
});
