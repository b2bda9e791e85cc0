import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptBlocklist } from '../core/prompt-blocklist.js';
import { isPromptBlocklisted } from './check-prompt-blocklist.js';

const list = parsePromptBlocklist('forbidden\n/sec+ret/');

test('any text part of any turn, or of the system instruction, blocks the prompt', () => {
  assert.equal(isPromptBlocklisted({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }, list), false);
  assert.equal(isPromptBlocklisted({ contents: [{ role: 'user', parts: [{ text: 'a Forbidden word' }] }] }, list), true);
  assert.equal(isPromptBlocklisted({
    contents: [{ role: 'user', parts: [{ text: 'fine' }] }, { role: 'model', parts: [{ text: 'seccret' }] }, { role: 'user', parts: [{ text: 'ok' }] }],
  }, list), true);
  assert.equal(isPromptBlocklisted({
    systemInstruction: { parts: [{ text: 'forbidden' }] }, contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
  }, list), true);
});

test('non-text parts are not screened; an empty list blocks nothing', () => {
  assert.equal(isPromptBlocklisted({
    contents: [{ role: 'user', parts: [{ functionResponse: { name: 'forbidden', response: { forbidden: true } } }, { inlineData: { mimeType: 'text/plain', data: 'Zm9yYmlkZGVu' } }] }],
  }, list), false);
  assert.equal(isPromptBlocklisted({ contents: [{ parts: [{ text: 'forbidden' }] }] }, parsePromptBlocklist('# nothing')), false);
});
