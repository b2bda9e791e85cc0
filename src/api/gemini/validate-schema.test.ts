import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Schema } from './types.js';
import { validateSchema } from './validate-schema.js';

const at = 'generation_config.response_schema';
const check = (s: Schema) => validateSchema(s, at);

test('a schema with valid counts and ordering passes', () => {
  assert.equal(check({ type: 'ARRAY', items: { type: 'STRING', minLength: 0, maxLength: 3 }, minItems: 1, maxItems: 3 }), undefined);
  assert.equal(check({ type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } }, propertyOrdering: ['b', 'a'] }), undefined);
  // An ordering without properties orders nothing (nothing to check it against).
  assert.equal(check({ type: 'OBJECT', propertyOrdering: ['b'] }), undefined);
});

test('what is not a schema is a 400 naming the field', () => {
  assert.deepEqual(check({ type: 'OBJECT', properties: { a: { type: 'STRING', minLength: -1 } } }), {
    field: `${at}.properties[a].min_length`,
    description: `${at}.properties[a].min_length must be a non-negative integer, got -1.`,
  });
  assert.deepEqual(check({ type: 'OBJECT', properties: { a: { type: 'STRING' } }, propertyOrdering: ['b'] }), {
    field: `${at}.property_ordering`,
    description: `propertyOrdering names "b", which is not in properties at ${at}.`,
  });
  assert.equal(check({ type: 'ARRAY', items: { type: 'ARRAY', maxItems: -2 } })?.field, `${at}.items.max_items`);
  assert.equal(check({ anyOf: [{ type: 'STRING' }, { type: 'OBJECT', minProperties: -1 }] })?.field, `${at}.any_of[1].min_properties`);
});

test('faults are found in the order the converter maps the schema: items, counts, ordering, properties as ordered, anyOf', () => {
  assert.equal(check({ items: { minItems: -1 }, maxItems: -1 })?.field, `${at}.items.min_items`);
  assert.equal(check({ minItems: -1, maxLength: -1, properties: {}, propertyOrdering: ['x'] })?.field, `${at}.min_items`);
  assert.equal(check({ properties: { a: { minLength: -1 } }, propertyOrdering: ['x'] })?.field, `${at}.property_ordering`);
  assert.equal(check({ properties: { a: { minLength: -1 }, b: { minLength: -1 } }, propertyOrdering: ['b'] })?.field, `${at}.properties[b].min_length`);
  assert.equal(check({ properties: { a: { minLength: -1 } }, anyOf: [{ minLength: -1 }] })?.field, `${at}.properties[a].min_length`);
});
