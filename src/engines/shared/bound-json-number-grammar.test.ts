import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GbnfJsonSchema } from 'node-llama-cpp';
import './bound-json-number-grammar.js';

const { getGbnfGrammarForGbnfJsonSchema } = await import(
  new URL('./utils/gbnfJson/getGbnfGrammarForGbnfJsonSchema.js', import.meta.resolve('node-llama-cpp')).href
) as { getGbnfGrammarForGbnfJsonSchema: (schema: Readonly<GbnfJsonSchema>) => string };

test('integers get no exponent, numbers an exponent of at most two digits', () => {
  const integer = getGbnfGrammarForGbnfJsonSchema({ type: 'integer' });
  assert.doesNotMatch(integer, /\[eE\]/, integer);
  const number = getGbnfGrammarForGbnfJsonSchema({ type: 'number' });
  assert.match(number, /\[eE\] \[-\+\]\? \[0-9\] \[0-9\]\?/, number);
  assert.doesNotMatch(number, /\{0,15\}\)\)/, number);
});
