import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGemserveError } from '../../core/errors.js';
import { convertJsonSchemaToGbnfSchema as convert } from './convert-json-schema-to-gbnf-schema.js';

function refused(schema: unknown, keyword: string): void {
  assert.throws(() => convert(schema), (e: unknown) => {
    assert.ok(isGemserveError(e));
    assert.equal(e.httpStatus, 400);
    assert.match(e.message, new RegExp(`unsupported keyword: ${keyword}\\)`));
    return true;
  });
}

test('what the grammar enforces passes through; annotations and required are dropped', () => {
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

test('a bounded integer becomes the enum of its range', () => {
  assert.deepEqual(convert({ type: 'integer', minimum: 1, maximum: 3 }), { enum: [1, 2, 3] });
  assert.deepEqual(convert({ type: ['integer', 'null'], minimum: 0, maximum: 1 }), { oneOf: [{ enum: [0, 1] }, { type: 'null' }] });
});

test('what the grammar cannot enforce is a 400 naming the keyword', () => {
  refused({ type: 'string', pattern: '^a$' }, 'pattern');
  refused({ type: 'integer', minimum: 0 }, 'minimum');
  refused({ type: 'integer', maximum: 9 }, 'maximum');
  refused({ type: 'integer', minimum: 0, maximum: 1e6 }, 'minimum');
  refused({ type: 'number', minimum: 0, maximum: 1 }, 'minimum');
  refused({ type: 'integer', format: 'int32' }, 'format');
  refused({ type: 'string', format: 'email' }, 'format');
  refused({ allOf: [{ type: 'string' }] }, 'allOf');
  refused({ description: 'no type' }, 'type');
  refused({ type: 'object', properties: { a: { $ref: '#/$defs/a' } } }, '\\$ref');
  refused({ type: 'string', not: { const: 'x' } }, 'not');
  refused({ type: 'array', uniqueItems: true }, 'uniqueItems');
});
