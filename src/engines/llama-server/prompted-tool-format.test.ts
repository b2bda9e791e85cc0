import { it } from 'node:test';
import assert from 'node:assert/strict';
import { promptedReplySchema, promptedToolsSystemText } from '../shared/prompted-tool-format.js';
import { promptedToolsGrammar } from './prompted-tool-format.js';

const functions = [{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } } } }, { name: 'now' }];

it('describes the functions, and the text answer only in mode auto', () => {
  const any = promptedToolsSystemText({ mode: 'any', functions });
  assert.match(any, /"name":"get_weather","description":"Weather."/);
  assert.doesNotMatch(any, /"response"/);
  assert.match(promptedToolsSystemText({ mode: 'auto', functions }), /"response"/);
});

it('constrains replies to calls of the named functions (or, in auto, a response)', () => {
  const any = promptedToolsGrammar({ mode: 'any', functions }).grammar;
  assert.match(any, /get_weather/);
  assert.match(any, /now/);
  assert.doesNotMatch(any, /response/);
  assert.match(promptedToolsGrammar({ mode: 'auto', functions }).grammar, /response/);
  assert.deepEqual(Object.keys(promptedReplySchema({ mode: 'auto', functions })), ['anyOf']);
});

it('enforces the parameters\' keywords in the grammar (a pattern, integer bounds), never refusing one', () => {
  const grammar = promptedToolsGrammar({
    mode: 'any',
    functions: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string', pattern: '^x+$' }, n: { type: 'integer', minimum: 1, maximum: 3 } } } }],
  }).grammar;
  assert.match(grammar, /"x"/);
  assert.match(grammar, /\[1-3\]/);
});
