import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileJsonSchemaValidator as compile } from './compile-json-schema-validator.js';

test('validates with draft 2020-12 and ajv-formats, reading older drafts\' forms', () => {
  assert.match(compile({ type: 'string', format: 'email' })('x') ?? '', /format "email"/);
  assert.equal(compile({ type: 'string', format: 'email' })('a@b.co'), undefined);
  assert.equal(compile({ type: 'string', format: 'no-such-format' })('x'), undefined);
  assert.match(compile({ items: [{ type: 'string' }], additionalItems: false })(['a', 1]) ?? '', /more than 1 item/);
  assert.match(compile({ $schema: 'http://json-schema.org/draft-07/schema#', properties: { a: { minimum: 3, exclusiveMinimum: true } } })({ a: 3 }) ?? '', /> 3/);
  assert.equal(compile({ $ref: '#/definitions/x', definitions: { x: { type: 'null' } } })(null), undefined);
  assert.equal(compile({ type: 'string', pattern: '\\p{L}+' })('é'), undefined);
  assert.equal(compile({ type: 'string', pattern: 'a{' })('a{'), undefined);
});

test('oneOf is read as anyOf, as the grammar writes it', () => {
  assert.equal(compile({ oneOf: [{ type: 'number' }, { type: 'integer' }] })(3), undefined);
});

test('a schema ajv cannot compile accepts everything rather than fail the request', () => {
  assert.equal(compile({ $ref: '#/nowhere' })(1), undefined);
});
