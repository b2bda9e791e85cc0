import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromptedToolReply } from './parse-prompted-tool-reply.js';

it('reads calls with the offset where each closes, strings with braces included', () => {
  const text = '{"tool_calls": [{"name": "f", "arguments": {"s": "}{\\"]"}}, {"name":"g","arguments":{}}]}';
  const r = parsePromptedToolReply(text);
  assert.ok('calls' in r);
  assert.deepEqual(r.calls.map((c) => [c.name, c.args]), [['f', { s: '}{"]' }], ['g', {}]]);
  assert.equal(text.slice(0, r.calls[0].end).endsWith('"}}'), true);
  assert.equal(r.calls[1].end, text.length - 2);
});

it('reads a text answer; refuses anything else', () => {
  assert.deepEqual(parsePromptedToolReply('{"response": "hi"}'), { text: 'hi' });
  assert.throws(() => parsePromptedToolReply('{"other": 1}'), /not a prompted tool reply/);
  assert.throws(() => parsePromptedToolReply('{"tool_calls": [{"name": "f", "arguments": [1]}]}'), /not an object/);
});
