import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertGeminiSchemaToJsonSchema as convert } from './convert-gemini-schema-to-json-schema.js';

test('types arrive in either case; TYPE_UNSPECIFIED means no type', () => {
  for (const [g, j] of [['STRING', 'string'], ['number', 'number'], ['INTEGER', 'integer'], ['boolean', 'boolean'],
    ['ARRAY', 'array'], ['object', 'object'], ['NULL', 'null']] as const) {
    assert.deepEqual(convert({ type: g }), { type: j });
  }
  assert.deepEqual(convert({ type: 'TYPE_UNSPECIFIED', description: 'x' }), { description: 'x' });
});

test('scalar keywords map one to one; int64 counts sent as strings become numbers', () => {
  assert.deepEqual(
    convert({ type: 'STRING', title: 'T', description: 'D', minLength: '1', maxLength: 12, pattern: '^a+$', format: 'date-time' }),
    { type: 'string', title: 'T', description: 'D', minLength: 1, maxLength: 12, pattern: '^a+$', format: 'date-time' });
  assert.deepEqual(convert({ type: 'INTEGER', minimum: 0, maximum: 120, format: 'int32' }),
    { type: 'integer', minimum: 0, maximum: 120, format: 'int32' });
  assert.deepEqual(convert({ type: 'STRING', format: 'enum', enum: ['a', 'b'] }), { type: 'string', enum: ['a', 'b'] });
  assert.deepEqual(convert({ type: 'ARRAY', items: { type: 'STRING' }, minItems: '1', maxItems: '3' }),
    { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 });
  assert.deepEqual(convert({ type: 'OBJECT', minProperties: '1', maxProperties: 2 }), { type: 'object', minProperties: 1, maxProperties: 2 });
  assert.deepEqual(convert({ type: 'STRING', example: 'x', default: 'y' }), { type: 'string', examples: ['x'], default: 'y' });
});

test('properties follow propertyOrdering, then the order given; required and anyOf are kept', () => {
  const out = convert({
    type: 'OBJECT',
    properties: { c: { type: 'STRING' }, a: { type: 'INTEGER' }, b: { type: 'BOOLEAN' } },
    propertyOrdering: ['b', 'a'],
    required: ['a'],
  });
  assert.deepEqual(Object.keys(out.properties as object), ['b', 'a', 'c']);
  assert.deepEqual(out.required, ['a']);
  assert.deepEqual(Object.keys(convert({ type: 'OBJECT', properties: { z: { type: 'STRING' }, y: { type: 'STRING' } } }).properties as object), ['z', 'y']);
  assert.deepEqual(convert({ anyOf: [{ type: 'STRING' }, { type: 'integer' }] }), { anyOf: [{ type: 'string' }, { type: 'integer' }] });
});

test('nullable: type [T, null] for a plain type, anyOf with null otherwise', () => {
  assert.deepEqual(convert({ type: 'INTEGER', nullable: true, minimum: 1 }), { type: ['integer', 'null'], minimum: 1 });
  assert.deepEqual(convert({ type: 'STRING', enum: ['a'], nullable: true }), { anyOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }] });
  assert.deepEqual(convert({ anyOf: [{ type: 'STRING' }], nullable: true }), { anyOf: [{ anyOf: [{ type: 'string' }] }, { type: 'null' }] });
  assert.deepEqual(convert({ type: 'OBJECT', properties: { n: { type: 'NUMBER', nullable: true } } }),
    { type: 'object', properties: { n: { type: ['number', 'null'] } } });
});

// What is not a schema is refused before conversion: an unknown type or a count that is not an
// integer by check-field-types.ts, a negative count or an ordering naming a missing property by
// src/api/gemini/validate-schema.ts (tests beside each).

test('pattern, format and bounds pass through; a numeric enum (strings on the wire) becomes numbers', () => {
  assert.deepEqual(convert({ type: 'STRING', pattern: '^[a-z]+$', format: 'email', minLength: '1' }), { type: 'string', format: 'email', minLength: 1, pattern: '^[a-z]+$' });
  assert.deepEqual(convert({ type: 'NUMBER', minimum: 0.5, maximum: 10 }), { type: 'number', minimum: 0.5, maximum: 10 });
  assert.deepEqual(convert({ type: 'INTEGER', format: 'enum', enum: ['101', '201'] }), { type: 'integer', enum: [101, 201] });
  assert.deepEqual(convert({ type: 'NUMBER', enum: ['1.5', '-2'] }), { type: 'number', enum: [1.5, -2] });
  assert.deepEqual(convert({ type: 'INTEGER', enum: ['1.5'] }), { type: 'integer', enum: ['1.5'] });
  assert.deepEqual(convert({ type: 'STRING', enum: ['1'] }), { type: 'string', enum: ['1'] });
});
