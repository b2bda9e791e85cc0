import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGemserveError } from '../core/errors.js';
import { convertToResponseFormat } from './convert-to-response-format.js';

const is400 = (e: unknown) => isGemserveError(e) && e.httpStatus === 400;

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
  assert.throws(() => convertToResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: raw, responseSchema: { type: 'STRING' } }), is400);
  assert.throws(() => convertToResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: 'x' }), is400);
});

test('text/x.enum: the STRING schema enum values; anything else is a 400', () => {
  assert.deepEqual(convertToResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] } }),
    { type: 'enum', values: ['a', 'b'] });
  assert.throws(() => convertToResponseFormat({ responseMimeType: 'text/x.enum' }), is400);
  assert.throws(() => convertToResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'INTEGER', enum: ['1'] } }), is400);
  assert.throws(() => convertToResponseFormat({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: [] } }), is400);
});
