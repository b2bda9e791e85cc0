import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateJsonSchema } from './validate-json-schema.js';
import { validateFunctionCalling } from './validate-function-calling.js';
import { validateResponseFormat } from './validate-response-format.js';

const P = 'generation_config.response_json_schema';

test('every schema Google documents, and any other JSON Schema keyword, passes', () => {
  for (const schema of [
    { type: 'string', pattern: '^[a-z]+$', format: 'email', minLength: 1, maxLength: 9 },
    { type: 'number', minimum: 0, exclusiveMaximum: 1.5, multipleOf: 0.5 },
    { type: 'integer', minimum: 3, exclusiveMinimum: true },
    { type: ['string', 'null'], enum: ['a', null] },
    { anyOf: [{ $ref: '#/$defs/a' }, { type: 'null' }], $defs: { a: { type: 'object', properties: { next: { $ref: '#/$defs/a' } } } } },
    { $ref: '#/definitions/x', definitions: { x: { const: 1 } } },
    { type: 'object', properties: { tree: { $ref: '#' } }, additionalProperties: false, propertyOrdering: ['tree'] },
    { type: 'array', prefixItems: [{ type: 'string' }], items: false, minItems: 1, uniqueItems: true },
    { type: 'array', items: [{ type: 'string' }], additionalItems: { type: 'integer' } },
    { allOf: [{ type: 'object' }, { required: ['a'] }], not: { const: 'x' }, if: true, then: {}, else: false },
    { $anchor: 'me', type: 'object', properties: { again: { $ref: '#me' } } },
    { type: 'string', pattern: 'a{', description: 'valid without the u flag' },
    { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', title: 't', default: {}, examples: [{}], 'x-custom': 1 },
  ]) assert.equal(validateJsonSchema(schema, P), undefined, JSON.stringify(schema));
});

test('what is not a schema is refused, the field naming where', () => {
  const field = (schema: unknown) => validateJsonSchema(schema, P)?.field;
  assert.equal(field({ type: 'object', properties: { a: 'string' } }), `${P}.properties[a]`);
  assert.equal(field({ type: 'strin' }), `${P}.type`);
  assert.equal(field({ type: [] }), `${P}.type`);
  assert.equal(field({ properties: { code: { type: 'string', pattern: '([a-z' } } }), `${P}.properties[code].pattern`);
  assert.equal(field({ items: { maxLength: -1 } }), `${P}.items.maxLength`);
  assert.equal(field({ anyOf: [{ minimum: 'x' }] }), `${P}.anyOf[0].minimum`);
  assert.equal(field({ enum: [] }), `${P}.enum`);
  assert.equal(field({ required: [1] }), `${P}.required`);
  assert.equal(field({ anyOf: [] }), `${P}.anyOf`);
  assert.equal(field({ properties: { a: { $ref: '#/$defs/missing' } } }), `${P}.properties[a].$ref`);
  assert.equal(field({ $ref: 'https://example.com/schema.json' }), `${P}.$ref`);
  assert.equal(field({ $defs: { a: { $ref: '#/$defs/b' }, b: { anyOf: [{ $ref: '#/$defs/a' }] } }, $ref: '#/$defs/a' }), P);
  assert.match(validateJsonSchema({ anyOf: [{ $ref: '#' }, { type: 'string' }] }, P)?.description ?? '', /refers back to itself/);
});

test('the request validators call it with the field of the schema: a tool\'s, or the response\'s', () => {
  const broken = { type: 'object', properties: { a: { type: 'string', pattern: '(' } } };
  assert.equal(validateFunctionCalling([{ functionDeclarations: [{ name: 'f' }, { name: 'g', parametersJsonSchema: broken }] }], undefined)?.field,
    'tools[0].function_declarations[1].parameters_json_schema.properties[a].pattern');
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', responseJsonSchema: broken })?.field, `${P}.properties[a].pattern`);
  assert.equal(validateResponseFormat({ responseMimeType: 'application/json', responseSchema: { type: 'STRING', pattern: '(' } })?.field,
    'generation_config.response_schema.pattern');
  assert.equal(validateFunctionCalling([{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: 'NUMBER', minimum: 0, maximum: 1 } } } }] }], undefined), undefined);
});
