import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateResponseFormat } from './validate-response-format.js';

const raw = { type: 'object', properties: { x: { type: 'integer' } } };

test('valid schemas pass', () => {
  assert.equal(validateResponseFormat(undefined), undefined);
  assert.equal(validateResponseFormat({}), undefined);
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json' }), undefined);
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', responseSchema: { type: 'STRING', nullable: true } }), undefined);
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: raw }), undefined);
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', _responseJsonSchema: raw }), undefined);
  assert.equal(validateResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] } }), undefined);
  assert.equal(validateResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { enum: ['a'] } }), undefined);
});

test('application/json: one schema at most, a JSON Schema that is an object, a valid responseSchema', () => {
  assert.deepEqual(validateResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: raw, responseSchema: { type: 'STRING' } }), {
    field: 'generation_config.response_json_schema', description: 'responseSchema and responseJsonSchema cannot both be set.',
  });
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', _responseJsonSchema: raw, responseSchema: { type: 'STRING' } })?.field,
    'generation_config.response_json_schema');
  assert.deepEqual(validateResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: 'x' }), {
    field: 'generation_config.response_json_schema', description: 'responseJsonSchema must be a JSON Schema object.',
  });
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', maxItems: -1 } })?.field,
    'generation_config.response_schema.max_items');
});

test('text/x.enum: the STRING schema with enum values; anything else is a 400', () => {
  const enumError = {
    field: 'generation_config.response_schema',
    description: 'responseMimeType text/x.enum needs a responseSchema of type STRING with a non-empty enum.',
  };
  assert.deepEqual(validateResponseFormat({ responseMimeType: 'text/x.enum' }), enumError);
  assert.deepEqual(validateResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'INTEGER', enum: ['1'] } }), enumError);
  assert.deepEqual(validateResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: [] } }), enumError);
  // Only the enum is read: nothing else about the schemas is checked for it.
  assert.equal(validateResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'], minLength: -1 }, responseJsonSchema: 'x' }), undefined);
});

test('other MIME types read no schema here (the capability checks refuse a schema with them)', () => {
  for (const responseMimeType of [undefined, 'text/plain', 'application/xml', 'text/html']) {
    assert.equal(validateResponseFormat({ ...(responseMimeType ? { responseMimeType } : {}), responseJsonSchema: 'x', responseSchema: { type: 'STRING', minLength: -1 } }), undefined);
  }
});
