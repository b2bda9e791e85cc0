import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertToResponseFormat } from './convert-to-response-format.js';

test('plain text has no response format', () => {
  assert.equal(convertToResponseFormat(undefined), undefined);
  assert.equal(convertToResponseFormat({}), undefined);
  assert.equal(convertToResponseFormat({ responseMimeType: 'text/plain' }), undefined);
});

test('application/json: converted responseSchema, responseJsonSchema as is, else any object', () => {
  assert.deepEqual(convertToResponseFormat({ responseMimeType: 'application/json' }), { type: 'json', schema: { type: 'object' } });
  assert.deepEqual(convertToResponseFormat({ responseMimeType: 'application/json', responseSchema: { type: 'STRING', nullable: true } }),
    { type: 'json', schema: { type: ['string', 'null'] } });
  const raw = { type: 'object', properties: { x: { type: 'integer' } } };
  assert.deepEqual(convertToResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: raw }), { type: 'json', schema: raw });
  assert.deepEqual(convertToResponseFormat({ responseMimeType: 'application/json', _responseJsonSchema: raw }), { type: 'json', schema: raw });
});

// Which schemas are valid (one of the two, an object, an enum of strings) is the API's rule:
// src/api/gemini/validate-response-format.test.ts.
test('text/x.enum: the STRING schema enum values', () => {
  assert.deepEqual(convertToResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] } }),
    { type: 'enum', values: ['a', 'b'] });
});
