import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lowercaseJsonSchemaTypes } from './lowercase-json-schema-types.js';

test('type names in JSON Schema spelling, in lists and nested schemas; data and property names untouched', () => {
  const schema = {
    type: 'OBJECT',
    properties: {
      type: { type: 'STRING', enum: ['OBJECT', 'flash'], default: 'OBJECT' },
      list: { type: ['ARRAY', 'NULL'], items: { anyOf: [{ type: 'Integer' }, { const: 'STRING' }] } },
    },
    $defs: { d: { type: 'BOOLEAN', examples: ['NUMBER'] } },
  };
  assert.deepEqual(lowercaseJsonSchemaTypes(schema), {
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['OBJECT', 'flash'], default: 'OBJECT' },
      list: { type: ['array', 'null'], items: { anyOf: [{ type: 'integer' }, { const: 'STRING' }] } },
    },
    $defs: { d: { type: 'boolean', examples: ['NUMBER'] } },
  });
  assert.deepEqual(lowercaseJsonSchemaTypes({ type: 'string' }), { type: 'string' }, 'lower-case names stay');
});
