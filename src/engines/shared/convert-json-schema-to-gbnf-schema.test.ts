import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertJsonSchemaToGbnfSchema as convert } from './convert-json-schema-to-gbnf-schema.js';

test('what node-llama-cpp\'s type holds passes through; title and required are dropped', () => {
  assert.deepEqual(convert({ type: 'string', minLength: 1, maxLength: 5, title: 't', description: 'd' }),
    { type: 'string', minLength: 1, maxLength: 5, description: 'd' });
  assert.deepEqual(convert({ type: 'string', format: 'date' }), { type: 'string', format: 'date' });
  assert.deepEqual(convert({ type: 'number', format: 'double' }), { type: 'number' });
  assert.deepEqual(convert({ type: 'array', items: { type: 'boolean' }, maxItems: 3 }), { type: 'array', items: { type: 'boolean' }, maxItems: 3 });
  assert.deepEqual(convert({ type: 'string', enum: ['a', 'b'] }), { enum: ['a', 'b'] });
  assert.deepEqual(convert({ const: 1 }), { const: 1 });
  assert.deepEqual(convert({ type: 'object', properties: { a: { type: 'null' } }, required: ['a'] }),
    { type: 'object', properties: { a: { type: 'null' } }, additionalProperties: false });
});

test('an object without properties takes any; anyOf and type lists become oneOf', () => {
  assert.deepEqual(convert({ type: 'object' }), { type: 'object', properties: {}, additionalProperties: true });
  assert.deepEqual(convert({ anyOf: [{ type: 'string' }, { type: 'null' }] }), { oneOf: [{ type: 'string' }, { type: 'null' }] });
  assert.deepEqual(convert({ type: ['array', 'null'], items: { type: 'integer' } }),
    { oneOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'null' }] });
  assert.ok('oneOf' in convert({}));
});

test('what the type cannot hold is said in the description, never refused', () => {
  assert.deepEqual(convert({ type: 'string', pattern: '^a$', description: 'A code.' }), { type: 'string', description: 'A code. (pattern: ^a$)' });
  assert.deepEqual(convert({ type: 'integer', minimum: 0, maximum: 120 }), { type: 'integer', description: '(minimum: 0) (maximum: 120)' });
  assert.deepEqual(convert({ type: 'string', format: 'email' }), { type: 'string', description: '(format: email)' });
  assert.deepEqual(convert({ type: 'array', uniqueItems: true }), { type: 'array', description: '(uniqueItems: true)' });
  assert.deepEqual(convert({ type: 'string', not: { const: 'x' } }), { type: 'string' });
});

test('references are written out, a reference back into itself as any value; allOf is merged', () => {
  assert.deepEqual(convert({ type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } }),
    { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false });
  const tree = convert({ type: 'object', properties: { child: { $ref: '#' } } }) as unknown as { properties: { child: { properties: { child: unknown } } } };
  assert.ok('oneOf' in (tree.properties.child.properties.child as object));
  assert.deepEqual(convert({ allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { properties: { b: { type: 'boolean' } } }] }),
    { type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } }, additionalProperties: false });
});
